package dashboard

import (
	"testing"
	"time"

	"ferry.dev/ferry/internal/gate"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/migratetest"
)

// TestViewShowsMetricEvidence: the page gets each metric check's latest
// evaluation with its query, value, threshold, verdict, source and failing
// count, cluster first; a migration without metric gates gets none.
func TestViewShowsMetricEvidence(t *testing.T) {
	s := migrate.NewState(migratetest.Config("api.example.test", "192.0.2.1", "192.0.2.2"))
	if got := view(0, Migration{State: s}, nil).Metrics; len(got) != 0 {
		t.Fatalf("metrics without metric gates = %+v, want none", got)
	}
	v := 0.95
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	s.Metrics = map[migrate.Side]migrate.MetricHealth{
		migrate.Legacy: {Status: migrate.GatePass, Evidence: []gate.Evidence{{Check: "success", Side: "legacy", Verdict: gate.Pass}}},
		migrate.Cluster: {Status: migrate.GateFail, CheckFailing: map[string]int{"success": 2}, Evidence: []gate.Evidence{{
			Check: "success", Side: "cluster", Query: `sum(rate(x{code!~"5.."}[1m]))/sum(rate(x[1m]))`, Op: gate.Min,
			Threshold: 0.99, Value: &v, Verdict: gate.Fail, At: at, Source: "http://127.0.0.1:9090",
		}}},
	}
	got := view(0, Migration{State: s}, nil).Metrics
	if len(got) != 2 || got[0].Side != "cluster" || got[0].Failing != 2 || *got[0].Value != 0.95 || got[0].Source == "" || got[1].Side != "legacy" {
		t.Errorf("metrics = %+v; want the cluster's failing check (value 0.95, failing 2, its source) then legacy's", got)
	}
}
