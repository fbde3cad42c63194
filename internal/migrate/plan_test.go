package migrate_test

import (
	"errors"
	"strings"
	"testing"

	"ferry.dev/ferry/internal/dns"

	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/migratetest"
)

func TestCheckCurrent(t *testing.T) {
	cfg := migratetest.Config("api.example.test", "192.0.2.10:8080", "198.51.100.20")
	set := func(id string, w int, v string) dns.WeightedSet {
		return dns.WeightedSet{ID: id, Weight: w, Values: []string{v}}
	}
	tests := []struct {
		name    string
		current *dns.RecordSet
		refused bool
	}{
		{name: "no record", current: nil},
		{name: "plain record at legacy", current: &dns.RecordSet{Type: "A", Sets: []dns.WeightedSet{set("web", 1, "192.0.2.10")}}},
		{name: "rolled back earlier", current: &dns.RecordSet{Type: "A", Sets: []dns.WeightedSet{set("legacy", 100, "192.0.2.10")}}},
		{name: "points elsewhere", refused: true, current: &dns.RecordSet{Type: "A", Sets: []dns.WeightedSet{set("web", 1, "203.0.113.9")}}},
		{name: "wrong type", refused: true, current: &dns.RecordSet{Type: "CNAME", Sets: []dns.WeightedSet{set("web", 1, "lb.example.")}}},
		{name: "aborted mid-shift", refused: true, current: &dns.RecordSet{Type: "A",
			Sets: []dns.WeightedSet{set("legacy", 90, "192.0.2.10"), set("cluster", 10, "198.51.100.20")}}},
		{name: "already migrated", refused: true, current: &dns.RecordSet{Type: "A", Sets: []dns.WeightedSet{set("cluster", 100, "198.51.100.20")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := migrate.CheckCurrent(cfg, tt.current)
			if got := errors.Is(err, migrate.ErrForeignRecord); got != tt.refused {
				t.Errorf("migrate.CheckCurrent = %v, refused %v, want %v", err, got, tt.refused)
			}
		})
	}
}

// TestPlanManualPromotionSaysSo: with promotion: manual every change after
// the first step waits for the operator's promote, and the plan says so.
func TestPlanManualPromotionSaysSo(t *testing.T) {
	cfg := migratetest.Config("api.example.test", "192.0.2.10", "198.51.100.20")
	cfg.Steps, cfg.Promotion = []int{10, 100}, migrate.PromotionManual
	changes, err := migrate.Plan(cfg, migrate.Start{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range changes {
		if c.Action == migrate.AdoptRecord || c.Action == migrate.RemoveLegacy || c.Action == migrate.SetWeights && c.Record.Weights()["cluster"] == 100 {
			if !strings.Contains(c.When, "on promote") {
				t.Errorf("%s at %v: when %q, want it to wait for promote", c.Action, c.Record.Weights(), c.When)
			}
		}
	}
}
