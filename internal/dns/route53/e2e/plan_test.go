package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/dns/route53/r53test"
)

// TestPlanShowsTheBatches: `ferry migrate plan` prints each step's change
// batch as start sends it, and the first one — the adoption of the plain
// record — is accepted as it is by the AWS CLI.
func TestPlanShowsTheBatches(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "plan", "1s")
	code, text := migrateCmd(t.Context(), "-f", e.file, "plan", "api")
	checkExit(t, "plan", result{code, text}, 0, "Route 53 change batches", `"Action": "DELETE"`, "nothing has been changed")
	code, text = migrateCmd(t.Context(), "-f", e.file, "plan", "api", "-o", "json")
	if code != 0 {
		t.Fatalf("plan -o json exited %d: %s", code, text)
	}
	var out struct {
		Batches []struct {
			Action string
			Batch  json.RawMessage
		}
	}
	if err := json.Unmarshal([]byte(text), &out); err != nil || len(out.Batches) < 5 {
		t.Fatalf("plan -o json: %d batches, %v:\n%s", len(out.Batches), err, text)
	}
	if out.Batches[0].Action != "adopt-record" || !strings.Contains(string(out.Batches[0].Batch), `"Value": "127.0.0.2"`) {
		t.Fatalf("the first batch is not the adoption: %s %s", out.Batches[0].Action, out.Batches[0].Batch)
	}
	if err := r53test.ChangeBatch(t.Context(), moto.URL, e.zoneID, string(out.Batches[0].Batch)); err != nil {
		t.Fatalf("the AWS CLI refused the planned adoption: %v", err)
	}
	if d := cmp.Diff(map[string]int64{"legacy": 100, "cluster": 0}, e.weights(t)); d != "" {
		t.Errorf("after the planned adoption sent by hand (-want +got):\n%s", d)
	}
}

// TestDNSCommands: `ferry dns get|set|list|delete` against Route 53 —
// the provider named by flags or by the service file (-f) — inspect and
// repair a record by hand, in the same formats as against ferry's server,
// --if-match refusing a stale revision; the AWS CLI reads every result
// back, and no output carries the secret the test signs with.
func TestDNSCommands(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "dnscmd", "1s")
	flags := []string{"--provider", "route53", "--endpoint", moto.URL}
	var said strings.Builder
	dns := func(want int, args ...string) string {
		t.Helper()
		code, text := dnsCmd(t.Context(), args...)
		said.WriteString(text)
		checkExit(t, "dns "+strings.Join(args, " "), result{code, text}, want)
		return text
	}
	code, text := dnsCmd(t.Context(), append([]string{"get", e.domain, "A"}, flags...)...)
	checkExit(t, "dns get", result{code, text}, 0, "127.0.0.2")
	list := dns(0, append([]string{"list", "--hosted-zone-id", e.zoneID}, flags...)...)
	if want := e.domain + ".  A     1    default=1:127.0.0.2\n"; !strings.Contains(list, want) || strings.Contains(list, "SOA") {
		t.Errorf("dns list --provider route53 does not show the plain record %q alone:\n%s", want, list)
	}
	var listed []struct{ Name, Type string }
	if err := json.Unmarshal([]byte(dns(0, "list", "-f", e.file, "--zone", e.domain, "-o", "json")), &listed); err != nil || len(listed) != 1 || listed[0].Name != e.domain+"." {
		t.Errorf("dns list -f FILE -o json: %+v, %v; want the domain's A record", listed, err)
	}
	var got struct{ Revision string }
	if err := json.Unmarshal([]byte(dns(0, "get", e.domain, "A", "-f", e.file, "-o", "json")), &got); err != nil || len(got.Revision) != 64 {
		t.Fatalf("dns get -o json: revision %q, %v", got.Revision, err)
	}
	dns(0, append([]string{"set", e.domain, "A", "--ttl", "1", "legacy=100:127.0.0.2", "cluster=0:127.0.0.3", "--if-match", got.Revision}, flags...)...)
	if d := cmp.Diff(map[string]int64{"legacy": 100, "cluster": 0}, e.weights(t)); d != "" {
		t.Errorf("after dns set --if-match (-want +got):\n%s", d)
	}
	stale := dns(1, "set", e.domain, "A", "--ttl", "1", "legacy=0:127.0.0.2", "cluster=100:127.0.0.3", "--if-match", got.Revision, "-f", e.file)
	if !strings.Contains(stale, "changed underneath") || !strings.Contains(stale, "legacy") {
		t.Errorf("a stale --if-match does not show what is there now:\n%s", stale)
	}
	dns(1, append([]string{"delete", e.domain, "A", "--if-match", got.Revision}, flags...)...)
	if d := cmp.Diff(map[string]int64{"legacy": 100, "cluster": 0}, e.weights(t)); d != "" {
		t.Errorf("a stale --if-match changed the record (-want +got):\n%s", d)
	}
	code, text = dnsCmd(t.Context(), append([]string{"set", e.domain, "A", "--ttl", "60", "legacy=100:alias:Z35SXDOTRQ7X7K:lb-1.elb.amazonaws.com", "cluster=0:127.0.0.3"}, flags...)...)
	checkExit(t, "dns set with an alias", result{code, text}, 0, "alias:Z35SXDOTRQ7X7K:lb-1.elb.amazonaws.com.")
	dns(0, "delete", e.domain, "A", "-f", e.file)
	if d := cmp.Diff(map[string]int64{}, e.weights(t)); d != "" {
		t.Errorf("after dns delete (-want +got):\n%s", d)
	}
	if strings.Contains(said.String(), r53test.Secret) || strings.Contains(said.String(), r53test.AccessKeyID) {
		t.Error("a dns command printed a credential")
	}
}

// TestPlanChecksTheZone: a rule only the zone's contents decide — the
// domain already holds a CNAME, so Route 53 would refuse every A record
// the migration writes there (moto would accept it) — is reported by plan
// for each record set, before anything is sent.
func TestPlanChecksTheZone(t *testing.T) {
	t.Parallel()
	e := newEnvOf(t, "plancname", shape{ttl: "1s", steps: "[10, 100]", hold: "0s", legacyIP: "127.0.0.2", legacyAddress: "127.0.0.2",
		plain: `"Type":"CNAME","TTL":1,"ResourceRecords":[{"Value":"lb.example.net"}]`})
	code, text := migrateCmd(t.Context(), "-f", e.file, "plan", "api")
	checkExit(t, "plan", result{code, text}, 0, "change 1 (adopt-record), 2 (set-weights), 3 (set-weights), 4 (remove-legacy), 6 (restore-legacy): the DNS provider would refuse it",
		"no other record can share its name with a CNAME (a CNAME is there)", "zone plancname.r53.test.\")")
	if len(e.proxy.Changes()) != 0 {
		t.Errorf("plan sent %d changes", len(e.proxy.Changes()))
	}
}
