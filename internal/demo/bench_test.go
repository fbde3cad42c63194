package demo_test

import (
	"testing"
	"time"

	"ferry.dev/ferry/internal/demo"
)

// flaggerDefault is Flagger's time to roll back with its defaults: the
// analysis interval (default 60s, never less than 10s) times the failed
// checks threshold (1 when unset; the documentation's examples use 5).
const flaggerDefault = 60 * time.Second

// BenchmarkDecisionLatency measures, with ferry's default gates (probe
// every 1s, act after 2 bad probes in a row), the time from the cluster
// starting to fail to DNS being back at legacy 100%.
func BenchmarkDecisionLatency(b *testing.B) {
	var total, worst time.Duration
	for range b.N {
		sum, err := demo.Run(b.Context(), demo.Options{
			Hold: 2 * time.Second, TTL: 2 * time.Second, FailAt: 50, Rate: 300, Workers: 16,
		})
		if err != nil {
			b.Fatal(err)
		}
		if sum.Result != "rolled-back" {
			b.Fatalf("result %s, want rolled-back", sum.Result)
		}
		d := sum.RolledBackAt.Sub(sum.FailStarted)
		total += d
		worst = max(worst, d)
	}
	mean := total / time.Duration(b.N)
	b.ReportMetric(mean.Seconds(), "decision-s")
	b.ReportMetric(worst.Seconds(), "worst-decision-s")
	b.ReportMetric(flaggerDefault.Seconds(), "flagger-default-s")
	b.ReportMetric(flaggerDefault.Seconds()/mean.Seconds(), "x-faster")
}
