package demo_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"ferry.dev/ferry/internal/demo"
	"ferry.dev/ferry/internal/gate"
	"ferry.dev/ferry/internal/gate/promtest"
)

var prom *promtest.Server

func TestMain(m *testing.M) {
	os.Exit(promtest.Main(m.Run, func(s *promtest.Server) { prom = s }))
}

// TestDemoWithPrometheus: the demo's backends export the exporter
// shape's metrics; a real Prometheus scraping them (through the targets
// file the demo writes) runs the migration with metric gates too, to
// done, and its timeline keeps passing evidence from that Prometheus.
func TestDemoWithPrometheus(t *testing.T) {
	var told map[string]string
	sum, err := demo.Run(t.Context(), demo.Options{
		Hold: 2 * time.Second, TTL: time.Second, Rate: 200, Workers: 8, Interval: 250 * time.Millisecond, P99Latency: 2 * time.Second,
		Prometheus: prom.URL, TargetsFile: prom.TargetsFile("demo"), Targets: func(m map[string]string) { told = m },
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Result != "done" || sum.Failed != 0 {
		t.Fatalf("result %s (%s), %d failed: want done with none failed", sum.Result, sum.Reason, sum.Failed)
	}
	if !strings.HasPrefix(told["api-cluster"], "127.0.0.3:") || !strings.HasPrefix(told["api-legacy"], "127.0.0.2:") {
		t.Errorf("targets told: %v", told)
	}
	passed := 0
	for _, ev := range sum.Timeline {
		for _, e := range ev.Evidence {
			if e.Side == "cluster" && e.Verdict == gate.Pass && e.Source == prom.URL {
				passed++
			}
		}
	}
	if passed == 0 {
		t.Errorf("no timeline event keeps a passing cluster metric evaluation from %s", prom.URL)
	}
}
