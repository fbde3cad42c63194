package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/dns/route53/r53test"
	"ferry.dev/ferry/internal/migrate"
)

// TestMigrationEndToEnd: a plain record created with the AWS CLI is
// adopted, shifted through every step, cut over and drained to done, with
// a third of the calls throttled, every other batch throttled too, and
// each change PENDING for two polls. The API calls of each change, the
// retries among them, are in start's log lines and in `migrate status`
// (table and -o json); the secret the test signs with appears nowhere in
// the output or the state.
func TestMigrationEndToEnd(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "e2e", "0s")
	e.proxy.Set(0.33, 2, false)
	e.proxy.ThrottleEvery("ChangeResourceRecordSets", 2)
	began := time.Now()
	r := <-e.start(t.Context())
	checkExit(t, "start", r, 0, "done: legacy has drained", "action=adopt-record", "calls=", "retries=")
	if d := cmp.Diff(map[string]int64{"": -1}, e.weights(t)); d != "" {
		t.Errorf("DNS at done, one plain record for the cluster (-want +got):\n%s", d)
	}
	calls, throttled := e.proxy.Counts()
	s, err := e.st.Load(t.Context(), e.domain)
	if err != nil {
		t.Fatal(err)
	}
	changes := 0
	for _, ev := range s.Timeline {
		if ev.Kind == migrate.EventStep {
			changes++
		}
	}
	t.Logf("migration in %v: %d step events; Route 53 calls %v (%d throttled)", time.Since(began).Round(time.Millisecond), changes, calls, throttled)
	checkCallsPerChange(t, s.Calls, calls)
	code, text := migrateCmd(t.Context(), "-f", e.file, "status", "api")
	checkExit(t, "status", result{code, text}, 0, "dns calls: ", "adopt-record", "retries: ChangeResourceRecordSets ", "GetChange ")
	code, text = migrateCmd(t.Context(), "-f", e.file, "status", "api", "-o", "json")
	var shown struct {
		Calls []migrate.ChangeCalls `json:"dnsCalls"`
	}
	if err := json.Unmarshal([]byte(text), &shown); code != 0 || err != nil {
		t.Fatalf("status -o json: exit %d, %v: %s", code, err, text)
	}
	if d := cmp.Diff(s.Calls, shown.Calls); d != "" {
		t.Errorf("status -o json dnsCalls differ from the saved state (-saved +shown):\n%s", d)
	}
	state, _ := os.ReadFile(filepath.Join(filepath.Dir(e.file), ".ferry", strings.TrimSuffix(e.domain, ".")+".json"))
	for what, text := range map[string]string{"output": r.msg, "state": string(state)} {
		if strings.Contains(text, r53test.Secret) || strings.Contains(text, r53test.AccessKeyID) {
			t.Errorf("the %s carries a credential", what)
		}
	}
}

// TestRollbackFrom50: the cluster fails at 50%: the migration rolls back
// to legacy alone, in Route 53 as the AWS CLI reads it.
func TestRollbackFrom50(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "rollback", "2s")
	done := e.start(t.Context())
	e.waitState(t, func(s migrate.State) bool { return s.Weights.Cluster == 50 })
	e.cluster.failing.Store(true)
	r := <-done
	checkExit(t, "start", r, 1, "rolled-back")
	if d := cmp.Diff(map[string]int64{"legacy": 100}, e.weights(t)); d != "" {
		t.Errorf("DNS after the rollback (-want +got):\n%s", d)
	}
}

// TestHandEditBetweenSteps: an operator sends everything back to legacy
// with the AWS CLI at 10%: the next batch does not overwrite it; the
// migration pauses as drift.
func TestHandEditBetweenSteps(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "drift", "5s")
	done := e.start(t.Context())
	e.waitState(t, func(s migrate.State) bool { return s.Stage == migrate.StageShift && s.Weights.Cluster == 10 })
	edit := `{"Changes":[{"Action":"UPSERT","ResourceRecordSet":{"Name":"` + e.domain + `","Type":"A","SetIdentifier":"legacy","Weight":100,"TTL":1,"ResourceRecords":[{"Value":"127.0.0.2"}]}},
		{"Action":"UPSERT","ResourceRecordSet":{"Name":"` + e.domain + `","Type":"A","SetIdentifier":"cluster","Weight":0,"TTL":1,"ResourceRecords":[{"Value":"127.0.0.3"}]}}]}`
	if err := r53test.ChangeBatch(t.Context(), moto.URL, e.zoneID, edit); err != nil {
		t.Fatal(err)
	}
	r := <-done
	checkExit(t, "start", r, 1, "ALERT:", "changed outside this migration")
	if d := cmp.Diff(map[string]int64{"legacy": 100, "cluster": 0}, e.weights(t)); d != "" {
		t.Errorf("the hand edit was overwritten (-want +got):\n%s", d)
	}
}

// checkCallsPerChange: one entry per DNS change of a migration without a
// preview domain (adopt, three steps, cutover), each counting its every
// other batch throttled and retried, its list read and its polls until
// INSYNC (PENDING for two); together never more than the proxy saw.
func checkCallsPerChange(t *testing.T, got []migrate.ChangeCalls, proxied map[string]int) {
	t.Helper()
	var actions []migrate.ActionKind
	sum := map[string]int{}
	for _, c := range got {
		actions = append(actions, c.Action)
		if n := c.Calls.ByOp["ChangeResourceRecordSets"]; n < 2 || c.Calls.Retries < 1 {
			t.Errorf("%s: %d batches with %d retries counted, want the throttled batch and its retry", c.Action, n, c.Calls.Retries)
		}
		if c.Calls.ByOp["GetChange"] < 3 || c.Calls.ByOp["ListResourceRecordSets"] < 1 {
			t.Errorf("%s: calls %v, want a read and at least three polls", c.Action, c.Calls.ByOp)
		}
		for op, n := range c.Calls.ByOp {
			sum[op] += n
		}
	}
	want := []migrate.ActionKind{migrate.AdoptRecord, migrate.SetWeights, migrate.SetWeights, migrate.SetWeights, migrate.RemoveLegacy}
	if d := cmp.Diff(want, actions); d != "" {
		t.Errorf("changes with counted calls (-want +got):\n%s", d)
	}
	for op, n := range sum {
		if n > proxied[op] {
			t.Errorf("%d %s calls counted, but the proxy saw %d", n, op, proxied[op])
		}
	}
}
