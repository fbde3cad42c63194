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
	"ferry.dev/ferry/internal/dns/server"
	"ferry.dev/ferry/internal/dns/server/servertest"
	"ferry.dev/ferry/internal/importer/draft"
	"ferry.dev/ferry/internal/spec"
)

// fill replaces each placeholder of a draft the way a person would.
func fill(t *testing.T, text, adminURL, tokenFile string) string {
	t.Helper()
	values := map[string]string{
		"image":    "registry.example.com/legacy/app:1.0.0",
		"port":     "8080",
		"replicas": "2",
		"cluster":  "ingress.cluster.ferry-import.test",
		"server":   adminURL,
	}
	service := ""
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if m := regexp.MustCompile(`^  ([a-z0-9-]+):$`).FindStringSubmatch(line); m != nil {
			service = m[1]
		}
		if m := regexp.MustCompile(`^(\s*)([a-zA-Z]+): ` + draft.Marker + `[^>]*>.*$`).FindStringSubmatch(line); m != nil {
			v, ok := values[m[2]]
			if m[2] == "domain" {
				v, ok = service+".ferry-import.test", true
			}
			if !ok {
				t.Fatalf("no value to fill %s with: %s", m[2], line)
			}
			line = m[1] + m[2] + ": " + v
		}
		if strings.HasPrefix(strings.TrimSpace(line), "# tokenFile:") {
			line = "    tokenFile: " + tokenFile
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// TestFilledDraftValidatesRendersAndPlans: each golden draft, with its
// placeholders filled in, passes `ferry validate` and `ferry render`, and
// every service's migration passes `ferry migrate plan` against ferry's own
// DNS server (started here, on loopback) holding the record as it is
// today: the domain answering with the legacy balancer.
func TestFilledDraftValidatesRendersAndPlans(t *testing.T) {
	// ferry's DNS server on loopback, authoritative for every zone the
	// golden drafts' domains are in.
	srv := servertest.Start(t, "ferry-import.test", "shop.example.com", "traveler.ga", "mybusandbox.aws.mycompany.com")
	for _, tc := range importCases {
		t.Run(tc.name, func(t *testing.T) {
			text := string(read(t, filepath.Join("testdata/golden", tc.name, "ferry.yaml")))
			dir := t.TempDir()
			token := filepath.Join(dir, "dns.token")
			if err := os.WriteFile(token, []byte(servertest.Token+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, "ferry.yaml")
			if err := os.WriteFile(file, []byte(fill(t, text, srv.AdminURL(), token)), 0o644); err != nil {
				t.Fatal(err)
			}
			if res := clitest.Run(t, cli.Run, "validate", "-f", file); res.Code != 0 {
				t.Fatalf("validate: exit %d\n%s%s", res.Code, res.Stdout, res.Stderr)
			}
			if res := clitest.Run(t, cli.Run, "render", "-f", file); res.Code != 0 || !strings.Contains(res.Stdout, "kind: Deployment") {
				t.Fatalf("render: exit %d\n%s", res.Code, res.Stderr)
			}
			planEach(t, srv, file)
		})
	}
}

func planEach(t *testing.T, srv *server.Server, file string) {
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
		legacy := dns.WeightedSet{ID: "legacy", Weight: 100, Values: []string{dns.CanonicalName(m.Legacy.Address)}}
		err := srv.Replace(t.Context(), dns.RecordSet{Name: dns.CanonicalName(m.Domain), Type: dns.TypeCNAME, TTL: 60, Sets: []dns.WeightedSet{legacy}}, dns.Always())
		if err != nil {
			t.Fatalf("seeding %s: %v", m.Domain, err)
		}
		res := clitest.Run(t, cli.Run, "migrate", "-f", file, "plan", s.Name)
		if res.Code != clio.ExitOK || !strings.Contains(res.Stdout, "migration of "+m.Domain) || strings.Contains(res.Stdout, "REFUSED") {
			t.Errorf("migrate plan %s: exit %d\n%s%s", s.Name, res.Code, res.Stdout, res.Stderr)
		}
		if testing.Verbose() {
			t.Log(res.Stdout)
		}
		if !strings.Contains(res.Stdout, fmt.Sprintf("legacy(w=100)=%s.", m.Legacy.Address)) {
			t.Errorf("migrate plan %s does not read today's record:\n%s", s.Name, res.Stdout)
		}
	}
}
