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
			if errors.Is(err, migrate.ErrNotOwned) {
				t.Errorf("migrate.CheckCurrent = %v: a record set of one set is ferry's server's plain record, not a foreign set", err)
			}
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

// TestCheckCurrentForeignSets: ferry adopts only the plain record and its
// own sets; any other set at the name and type — even one holding the
// legacy value — refuses the adoption, named with what it does to the
// split, and is left alone.
func TestCheckCurrentForeignSets(t *testing.T) {
	set := func(id string, w int, v string) dns.WeightedSet {
		return dns.WeightedSet{ID: id, Weight: w, Values: []string{v}}
	}
	rs := func(sets ...dns.WeightedSet) *dns.RecordSet {
		return &dns.RecordSet{Name: "api.example.test.", Type: "A", TTL: 60, Sets: sets}
	}
	ferry := migratetest.Config("api.example.test", "192.0.2.10", "198.51.100.20")
	ferry.Steps = []int{10, 100}
	r53 := ferry
	r53.DNS.Provider, r53.DNS.PlainCutover = "route53", true
	tests := []struct {
		name    string
		cfg     migrate.Config
		current *dns.RecordSet
		says    []string // empty: adopted
	}{
		{name: "route53 plain record", cfg: r53, current: rs(set(dns.PlainSetID, dns.PlainWeight, "192.0.2.10"))},
		{name: "route53 rolled back earlier", cfg: r53, current: rs(set("legacy", 100, "192.0.2.10"), set("cluster", 0, "198.51.100.20"))},
		{name: "route53 lone foreign weighted set at legacy", cfg: r53, current: rs(set("blue", 1, "192.0.2.10")),
			says: []string{"blue (weight 1 → 192.0.2.10, 100.0% of queries today)", "1.0% of the queries", "cluster at 10% would get 9.9%"}},
		{name: "route53 foreign set beside ferry's", cfg: r53, current: rs(set("legacy", 100, "192.0.2.10"), set("green", 200, "203.0.113.9")),
			says: []string{"green (weight 200 → 203.0.113.9, 66.7% of queries today)", "cluster at 10% would get 3.3%"}},
		{name: "route53 foreign set at weight 0", cfg: r53, current: rs(set("legacy", 100, "192.0.2.10"), set("canary", 0, "192.0.2.10")),
			says: []string{"canary (weight 0", "take no queries", "refuses a plain record beside weighted ones"}},
		{name: "ferry's server lone set", cfg: ferry, current: rs(set("web", 1, "192.0.2.10"))},
		{name: "ferry's server foreign set beside ferry's", cfg: ferry, current: rs(set("legacy", 100, "192.0.2.10"), set("web", 100, "192.0.2.10")),
			says: []string{"web (weight 100 → 192.0.2.10, 50.0% of queries today)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := migrate.CheckCurrent(tt.cfg, tt.current)
			if len(tt.says) == 0 {
				if err != nil {
					t.Fatalf("migrate.CheckCurrent = %v, want it adopted", err)
				}
				return
			}
			if !errors.Is(err, migrate.ErrNotOwned) || !errors.Is(err, migrate.ErrForeignRecord) {
				t.Fatalf("migrate.CheckCurrent = %v, want ErrNotOwned (an ErrForeignRecord)", err)
			}
			for _, s := range tt.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("the refusal does not say %q:\n%v", s, err)
				}
			}
		})
	}
}
