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

// TestDNSCommands: `ferry dns get|set|delete --provider route53` inspect
// and repair a record by hand, the AWS CLI reading the result.
func TestDNSCommands(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "dnscmd", "1s")
	flags := []string{"--provider", "route53", "--endpoint", moto.URL}
	code, text := dnsCmd(t.Context(), append([]string{"get", e.domain, "A"}, flags...)...)
	checkExit(t, "dns get", result{code, text}, 0, "127.0.0.2")
	code, text = dnsCmd(t.Context(), append([]string{"set", e.domain, "A", "--ttl", "1", "legacy=100:127.0.0.2", "cluster=0:127.0.0.3"}, flags...)...)
	checkExit(t, "dns set", result{code, text}, 0, "legacy", "cluster")
	if d := cmp.Diff(map[string]int64{"legacy": 100, "cluster": 0}, e.weights(t)); d != "" {
		t.Errorf("after dns set (-want +got):\n%s", d)
	}
	code, text = dnsCmd(t.Context(), append([]string{"set", e.domain, "A", "--ttl", "60", "legacy=100:alias:Z35SXDOTRQ7X7K:lb-1.elb.amazonaws.com", "cluster=0:127.0.0.3"}, flags...)...)
	checkExit(t, "dns set with an alias", result{code, text}, 0, "alias:Z35SXDOTRQ7X7K:lb-1.elb.amazonaws.com.")
	code, text = dnsCmd(t.Context(), append([]string{"delete", e.domain, "A"}, flags...)...)
	checkExit(t, "dns delete", result{code, text}, 0)
	if d := cmp.Diff(map[string]int64{}, e.weights(t)); d != "" {
		t.Errorf("after dns delete (-want +got):\n%s", d)
	}
}
