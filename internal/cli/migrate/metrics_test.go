package migrate_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/gate"
	"ferry.dev/ferry/internal/gate/promtest"
	"ferry.dev/ferry/internal/migrate"
)

// TestMetricGateCatchesWhatProbesCannot: the cluster fails 5% of real
// client requests while every probe succeeds. The probe gate passes; the
// metric gate, reading the same traffic from a real Prometheus, rolls the
// migration back at its first step, and the reason names the query and
// the value.
func TestMetricGateCatchesWhatProbesCannot(t *testing.T) {
	t.Parallel()
	e := newMetricEnv(t, "fivepct", "1s", prom, "")
	e.cluster.failing.Store(true)
	r := <-e.start(t.Context())
	checkExit(t, "start", r.code, r.msg, 1, "the migration ended rolled-back", "cluster metric gate failed 2 evaluations in a row",
		`success-ratio = 0.9`, `job="fivepct-cluster"`, prom.URL)
	s := e.state(t)
	if h := s.Health[migrate.Cluster]; h.Status != migrate.GatePass {
		t.Errorf("probe gate %s (%d bad probes): the probes were meant to see nothing wrong", h.Status, e.cluster.probes.Load())
	}
	for _, ev := range s.Timeline {
		if ev.Weights.Cluster > 10 {
			t.Errorf("promoted while failing: %s", ev.Message)
		}
	}
	last := s.Timeline[len(s.Timeline)-2] // rolling back; then rolled back
	if len(last.Evidence) == 0 || last.Evidence[0].Verdict != gate.Fail || *last.Evidence[0].Value > 0.99 || last.Evidence[0].Source != prom.URL {
		t.Errorf("the rollback event keeps no failing evidence: %+v", last)
	}
	if d := cmp.Diff(map[string]int{"legacy": 100}, e.record(t)); d != "" {
		t.Errorf("DNS after the rollback (-want +got):\n%s", d)
	}
}

// TestMetricGateHealthyRunEndsDone: healthy sides pass both gates and the
// migration ends done; status and -o json show the metric evidence.
func TestMetricGateHealthyRunEndsDone(t *testing.T) {
	t.Parallel()
	e := newMetricEnv(t, "healthy", "1s", prom, "")
	r := <-e.start(t.Context())
	checkExit(t, "start", r.code, r.msg, 0, "done: legacy has drained")
	s := e.state(t)
	passed := 0
	for _, ev := range s.Timeline {
		for _, ev := range ev.Evidence {
			if ev.Side == "cluster" && ev.Verdict == gate.Pass {
				passed++
			}
		}
	}
	if passed == 0 {
		t.Errorf("no timeline event keeps a passing cluster metric evaluation:\n%v", s.Timeline)
	}
	code, msg := migrateCmd(t.Context(), "-f", e.file, "status", e.name, "-o", "json")
	checkExit(t, "status -o json", code, msg, 0, `"evidence"`, `"query"`, `"threshold"`, `"source"`)
}

// TestPrometheusDownPauses: Prometheus stopped mid-step makes the metric
// gate inconclusive, which never passes: after inconclusiveLimit (3)
// evaluations the migration pauses with an alert, still at its step.
func TestPrometheusDownPauses(t *testing.T) {
	t.Parallel()
	own, err := promtest.Start(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(own.Close)
	e := newMetricEnv(t, "promdown", "2s", own, "")
	done := e.start(t.Context())
	e.waitState(t, stepped)
	own.Stop()
	s := e.waitState(t, func(s migrate.State) bool { return s.Paused })
	if !strings.Contains(s.Reason, "cluster metric gate inconclusive 3 evaluations in a row") || !strings.Contains(s.Reason, own.URL) {
		t.Errorf("paused for %q, want the inconclusive metric gate and its source", s.Reason)
	}
	if s.Weights.Cluster != 10 || e.record(t)["cluster"] != 10 {
		t.Errorf("weights %s, DNS %v: want still at the first step", s.Weights, e.record(t))
	}
	code, msg := migrateCmd(t.Context(), "-f", e.file, "status", e.name)
	checkExit(t, "status", code, msg, 0, "metrics inconclusive", "no value (min 0.99) inconclusive", own.URL)
	code, msg = migrateCmd(context.WithoutCancel(t.Context()), "-f", e.file, "abort", e.name)
	checkExit(t, "abort", code, msg, 0, "applied abort")
	<-done
}
