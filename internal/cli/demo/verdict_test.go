package demo

import (
	"testing"

	"ferry.dev/ferry/internal/demo"
	"ferry.dev/ferry/internal/migrate"
)

func TestVerdict(t *testing.T) {
	tests := []struct {
		name   string
		sum    demo.Summary
		failAt int
		ok     bool
	}{
		{name: "done, none failed", sum: demo.Summary{Result: "done", Requests: 10}, ok: true},
		{name: "done, failures after legacy shut down", sum: demo.Summary{Result: "done", Requests: 10, Failed: 2}},
		{name: "rolled back, failures within the TTL", sum: demo.Summary{Result: "rolled-back", Failed: 5}, failAt: 50, ok: true},
		{name: "rolled back, failures past the TTL", sum: demo.Summary{Result: "rolled-back", Failed: 5, LateFailures: 1}, failAt: 50},
		{name: "not rolled back", sum: demo.Summary{Result: "done"}, failAt: 50},
		{name: "rolled back from the dashboard", sum: demo.Summary{Result: "rolled-back", Reason: migrate.ReasonOperatorRollback, Failed: 1}, ok: true},
		{name: "aborted from the dashboard", sum: demo.Summary{Result: "aborted"}, ok: true},
		{name: "rolled back by a gate, not asked", sum: demo.Summary{Result: "rolled-back", Reason: "cluster gate failed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := verdict(&tt.sum, tt.failAt); (err == nil) != tt.ok {
				t.Errorf("verdict = %v, want ok %v", err, tt.ok)
			}
		})
	}
}
