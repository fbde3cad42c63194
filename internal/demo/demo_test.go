package demo_test

import (
	"testing"
	"time"

	"ferry.dev/ferry/internal/demo"
)

// TestZeroFailuresUnderLoad runs a whole migration through ferry's real DNS
// server (UDP) and real HTTP backends on loopback under continuous client
// load: not one request of at least 50,000 may fail.
func TestZeroFailuresUnderLoad(t *testing.T) {
	// A 2 s p99: failures, not latency, are under test, and on a loaded
	// machine loopback probes pass the 200 ms default now and then.
	sum, err := demo.Run(t.Context(), demo.Options{
		Hold: 6 * time.Second, TTL: 2 * time.Second, Rate: 1800, Workers: 48, P99Latency: 2 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Result != "done" {
		t.Fatalf("result %s (%s), want done", sum.Result, sum.Reason)
	}
	if sum.Requests < 50000 {
		t.Errorf("%d client requests, want at least 50000", sum.Requests)
	}
	if sum.Failed != 0 {
		t.Errorf("%d of %d requests failed, want 0; first: %+v", sum.Failed, sum.Requests, sum.FailedRequests[0])
	}
	if sum.PerSide["legacy"] == 0 || sum.PerSide["cluster"] == 0 {
		t.Errorf("per side %v: want traffic on both", sum.PerSide)
	}
	// The drain was long enough: with legacy shut down after done, one
	// more TTL of load reaches only the cluster (and none failed, above).
	last := sum.Stages[len(sum.Stages)-1]
	if last.Stage != demo.StageLegacyOff || last.Requests == 0 || last.PerSide["legacy"] != 0 {
		t.Errorf("last stage %s: %d requests, %d to legacy; want %s with load, none to legacy", last.Stage, last.Requests, last.PerSide["legacy"], demo.StageLegacyOff)
	}
}

// TestRollbackWhenClusterFails makes the cluster fail at 50%: the gate must
// roll DNS back after gates.failures failing evaluations (one batch of
// probes each, plus the batch the failure began in), and every
// client failure must come from a DNS answer cached before the rollback and
// used within its TTL, so failures end one TTL after the rollback.
func TestRollbackWhenClusterFails(t *testing.T) {
	sum, err := demo.Run(t.Context(), demo.Options{
		Hold: 2 * time.Second, TTL: 2 * time.Second, FailAt: 50, Rate: 600, Workers: 24,
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Result != "rolled-back" {
		t.Fatalf("result %s, want rolled-back", sum.Result)
	}
	if sum.FailStarted.IsZero() || sum.RolledBackAt.Before(sum.FailStarted) {
		t.Fatalf("fail started %v, rolled back %v", sum.FailStarted, sum.RolledBackAt)
	}
	if most := (sum.GateFailures + 1) * sum.ProbesPerInterval; sum.FailingProbes > most {
		t.Errorf("%d failing probes before the rollback decision, want at most %d (%d evaluations of %d probes, and the batch the failure began in)",
			sum.FailingProbes, most, sum.GateFailures, sum.ProbesPerInterval)
	}
	if sum.DecidedAt.Before(sum.FailStarted) || sum.RolledBackAt.Before(sum.DecidedAt) {
		t.Errorf("failure %v, decision %v, DNS %v: out of order", sum.FailStarted, sum.DecidedAt, sum.RolledBackAt)
	}
	if sum.LateFailures != 0 {
		t.Errorf("%d failures on DNS answers fetched after the rollback or used past their TTL", sum.LateFailures)
	}
	for _, f := range sum.FailedRequests {
		if f.Side != "cluster" {
			t.Errorf("a request to %s failed: %+v", f.Side, f)
		}
	}
	if sum.Failed == 0 {
		t.Error("no client request failed: the cluster never failed under traffic")
	}
	last := sum.Stages[len(sum.Stages)-1]
	if last.Stage != "rolled-back" || last.PerSide["legacy"] == 0 {
		t.Errorf("last stage %+v: want legacy serving after the rollback", last)
	}
}
