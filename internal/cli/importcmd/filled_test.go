package importcmd_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"ferry.dev/ferry/internal/cli"
	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/clitest"
	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/route53/r53test"
	"ferry.dev/ferry/internal/dns/server"
	"ferry.dev/ferry/internal/dns/server/servertest"
	"ferry.dev/ferry/internal/importer/draft"
	"ferry.dev/ferry/internal/spec"
)

// dnsTarget is where a filled-in draft's migration changes records:
// ferry's own DNS server (adminURL, tokenFile), or Route 53 (moto at
// endpoint, zoneID standing in for the zone the draft names).
type dnsTarget struct{ adminURL, tokenFile, endpoint, zoneID string }

// fill replaces each placeholder of a draft the way a person would.
func fill(t *testing.T, text string, to dnsTarget) string {
	t.Helper()
	values := map[string]string{
		"image":    "registry.example.com/legacy/app:1.0.0",
		"port":     "8080",
		"replicas": "2",
		"cluster":  "ingress.cluster.ferry-import.test",
		"server":   to.adminURL,
	}
	placeholder := regexp.MustCompile(`^(\s*)([a-zA-Z]+): ` + draft.Marker + `([^>]*)>.*$`)
	service := ""
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if m := regexp.MustCompile(`^  ([a-z0-9-]+):$`).FindStringSubmatch(line); m != nil {
			service = m[1]
		}
		if m := placeholder.FindStringSubmatch(line); m != nil {
			v, ok := values[m[2]]
			switch {
			case m[2] == "domain":
				v, ok = service+".ferry-import.test", true
			case m[2] == "cluster" && strings.Contains(m[3], "IPv4"):
				v = "203.0.113.10" // beside a legacy alias, which is published as an A record
			}
			if !ok {
				t.Fatalf("no value to fill %s with: %s", m[2], line)
			}
			line = m[1] + m[2] + ": " + v
		}
		switch trimmed := strings.TrimSpace(line); {
		case strings.HasPrefix(trimmed, "# tokenFile:"):
			line = "    tokenFile: " + to.tokenFile
		case strings.HasPrefix(trimmed, "hostedZoneId:") && strings.HasPrefix(line, "    hostedZoneId:"):
			line = "    hostedZoneId: " + to.zoneID + "\n    endpoint: " + to.endpoint
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// TestFilledDraftValidatesRendersAndPlans: each golden draft, with its
// placeholders filled in, passes `ferry validate` and `ferry render`, and
// every service's migration passes `ferry migrate plan` against the DNS the
// draft names holding the record as it is today (the domain answering with
// the legacy balancer): Route 53 (moto_server, on loopback) for an estate
// whose records are there, ferry's own DNS server for the others.
func TestFilledDraftValidatesRendersAndPlans(t *testing.T) {
	srv := servertest.Start(t, "ferry-import.test")
	moto, err := r53test.Start(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(moto.Stop)
	for _, kv := range r53test.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	for _, tc := range importCases {
		t.Run(tc.name, func(t *testing.T) {
			text := string(read(t, filepath.Join("testdata/golden", tc.name, "ferry.yaml")))
			dir := t.TempDir()
			to := dnsTarget{adminURL: srv.AdminURL(), tokenFile: filepath.Join(dir, "dns.token"), endpoint: moto.URL}
			if err := os.WriteFile(to.tokenFile, []byte(servertest.Token+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			route53 := strings.Contains(text, "provider: route53")
			if route53 {
				to.zoneID = createZone(t, moto.URL, text)
			}
			file := filepath.Join(dir, "ferry.yaml")
			if err := os.WriteFile(file, []byte(fill(t, text, to)), 0o644); err != nil {
				t.Fatal(err)
			}
			if res := clitest.Run(t, cli.Run, "validate", "-f", file); res.Code != 0 {
				t.Fatalf("validate: exit %d\n%s%s", res.Code, res.Stdout, res.Stderr)
			}
			if res := clitest.Run(t, cli.Run, "render", "-f", file); res.Code != 0 || !strings.Contains(res.Stdout, "kind: Deployment") {
				t.Fatalf("render: exit %d\n%s", res.Code, res.Stderr)
			}
			seed := func(m *spec.ServiceMigration) { seedFerry(t, srv, m) }
			if route53 {
				seed = func(m *spec.ServiceMigration) { seedRoute53(t, to, m) }
			}
			planEach(t, file, seed)
		})
	}
}

// createZone creates, in moto, the one hosted zone a Route 53 draft names:
// the parent of its domains.
func createZone(t *testing.T, endpoint, text string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^    domain: [a-z0-9-]+\.(\S+)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatal("a Route 53 draft with no domain")
	}
	id, err := r53test.CreateZone(t.Context(), endpoint, m[1])
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// seedFerry makes ferry's DNS server answer the domain with legacy.
func seedFerry(t *testing.T, srv *server.Server, m *spec.ServiceMigration) {
	t.Helper()
	legacy := dns.WeightedSet{ID: "legacy", Weight: 100, Values: []string{dns.CanonicalName(m.Legacy.Address)}}
	err := srv.Replace(t.Context(), dns.RecordSet{Name: dns.CanonicalName(m.Domain), Type: dns.TypeCNAME, TTL: 60, Sets: []dns.WeightedSet{legacy}}, dns.Always())
	if err != nil {
		t.Fatalf("seeding %s: %v", m.Domain, err)
	}
}

// seedRoute53 creates the plain record Terraform created, with the AWS CLI:
// an alias to the legacy balancer, or a CNAME to it.
func seedRoute53(t *testing.T, to dnsTarget, m *spec.ServiceMigration) {
	t.Helper()
	record := fmt.Sprintf(`"Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": %q}]`, m.Legacy.Address)
	if a := m.Legacy.Alias; a != nil {
		record = fmt.Sprintf(`"Type": "A", "AliasTarget": {"HostedZoneId": %q, "DNSName": %q, "EvaluateTargetHealth": %v}`, a.HostedZoneID, m.Legacy.Address, a.EvaluateTargetHealth)
	}
	batch := fmt.Sprintf(`{"Changes": [{"Action": "CREATE", "ResourceRecordSet": {"Name": %q, %s}}]}`, m.Domain, record)
	if err := r53test.ChangeBatch(t.Context(), to.endpoint, to.zoneID, batch); err != nil {
		t.Fatalf("seeding %s: %v", m.Domain, err)
	}
}

func planEach(t *testing.T, file string, seed func(*spec.ServiceMigration)) {
	t.Helper()
	f, err := spec.LoadFile(file, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range f.Services {
		if s.Migration == nil {
			t.Errorf("service %s takes no part in migrations", s.Name)
			continue
		}
		m := s.Migration
		seed(m)
		res := clitest.Run(t, cli.Run, "migrate", "-f", file, "plan", s.Name)
		if res.Code != clio.ExitOK || !strings.Contains(res.Stdout, "migration of "+m.Domain) || strings.Contains(res.Stdout, "REFUSED") {
			t.Errorf("migrate plan %s: exit %d\n%s%s", s.Name, res.Code, res.Stdout, res.Stderr)
		}
		if testing.Verbose() {
			t.Log(res.Stdout)
		}
		today, _, _ := strings.Cut(res.Stdout[strings.Index(res.Stdout, "today:")+1:], "\n")
		if !strings.Contains(today, m.Legacy.Address+".") {
			t.Errorf("migrate plan %s does not read today's record:\n%s", s.Name, res.Stdout)
		}
	}
}
