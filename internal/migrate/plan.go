package migrate

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"ferry.dev/ferry/internal/dns"
)

// Set ids of the two sides in the domain's weighted record set.
const (
	LegacySetID  = "legacy"
	ClusterSetID = "cluster"
)

// Change is one DNS change a migration makes, as a value to show before
// anything is applied.
type Change struct {
	Stage  Stage         `json:"stage"`
	Action ActionKind    `json:"action"`
	Record dns.RecordSet `json:"record"`
	When   string        `json:"when"`
}

// Plan lists every DNS change a healthy migration of cfg makes, in order,
// followed by what a rollback would write. It is pure.
func Plan(cfg Config) []Change {
	var out []Change
	add := func(st Stage, a ActionKind, w Weights, when string) {
		out = append(out, Change{Stage: st, Action: a, Record: RecordFor(cfg, a, w), When: when})
	}
	if cfg.PreviewDomain != "" {
		add(StagePreview, PointPreview, Weights{}, "at start")
	}
	hold := func(what string) string {
		if cfg.Promotion == PromotionManual {
			return fmt.Sprintf("on `ferry migrate promote` (%s)", what)
		}
		return what
	}
	add(StageShift, AdoptRecord, Weights{Legacy: 100}, hold(fmt.Sprintf("after parity and a %v hold with the cluster gate passing", cfg.Hold)))
	for i, c := range cfg.Steps {
		when := "at once"
		if i > 0 {
			when = hold(fmt.Sprintf("after a %v hold", cfg.Hold))
		}
		add(StageShift, SetWeights, Weights{Legacy: 100 - c, Cluster: c}, when)
	}
	add(StageCutover, RemoveLegacy, Weights{Cluster: 100}, hold(fmt.Sprintf("after a %v hold", cfg.Hold)))
	drain := time.Duration(cfg.Drain.TTLMultiple) * cfg.TTL
	out = append(out, Change{Stage: StageDone, When: fmt.Sprintf("after %v of drain (%d×TTL)", drain, cfg.Drain.TTLMultiple)})
	add(StageRollingBack, RestoreLegacy, Weights{Legacy: 100}, "on rollback from shift, cutover or drain")
	return out
}

// RecordFor is the record set action a writes for cfg at weights w.
func RecordFor(cfg Config, a ActionKind, w Weights) dns.RecordSet {
	rrtype, _ := RecordType(cfg.Legacy, cfg.Cluster)
	rs := dns.RecordSet{Name: dns.CanonicalName(cfg.Domain), Type: rrtype, TTL: uint32(cfg.TTL / time.Second)}
	legacy := dns.WeightedSet{ID: LegacySetID, Weight: w.Legacy, Values: []string{recordValue(cfg.Legacy, rrtype)}}
	cluster := dns.WeightedSet{ID: ClusterSetID, Weight: w.Cluster, Values: []string{recordValue(cfg.Cluster, rrtype)}}
	switch a {
	case PointPreview:
		rs.Name = dns.CanonicalName(cfg.PreviewDomain)
		cluster.Weight = 100
		rs.Sets = []dns.WeightedSet{cluster}
	case RemoveLegacy:
		rs.Sets = []dns.WeightedSet{cluster}
	case RestoreLegacy:
		rs.Sets = []dns.WeightedSet{legacy}
	default:
		rs.Sets = []dns.WeightedSet{legacy, cluster}
	}
	return rs
}

func recordValue(endpoint, rrtype string) string {
	host, _, _ := SplitEndpoint(endpoint)
	if rrtype == dns.TypeCNAME {
		return dns.CanonicalName(host)
	}
	return host
}

// ErrForeignRecord means the domain's record points somewhere else than
// the configured legacy endpoint, so adopting it would move traffic.
var ErrForeignRecord = errors.New("the domain's record does not point at the legacy endpoint")

// CheckCurrent decides whether the domain's current record set (nil when
// there is none) may be adopted without moving traffic: absent, a plain
// record whose values are the legacy endpoint, or ferry's own sets with all
// weight on legacy (after a rollback). It is pure; the executor fetches the
// record.
func CheckCurrent(cfg Config, current *dns.RecordSet) error {
	if current == nil {
		return nil
	}
	rrtype, _ := RecordType(cfg.Legacy, cfg.Cluster)
	if current.Type != rrtype {
		return fmt.Errorf("%s has a %s record, but the endpoints need %s: %w", cfg.Domain, current.Type, rrtype, ErrForeignRecord)
	}
	legacy := recordValue(cfg.Legacy, rrtype)
	cluster := recordValue(cfg.Cluster, rrtype)
	for _, set := range current.Sets {
		want := legacy
		if set.ID == ClusterSetID {
			want = cluster
		}
		if !slices.Equal(set.Values, []string{want}) {
			return fmt.Errorf("%s set %q holds %s, want %s: %w", cfg.Domain, set.ID, strings.Join(set.Values, ","), want, ErrForeignRecord)
		}
		if set.ID == ClusterSetID && set.Weight > 0 {
			// Adopting at legacy 100% would move traffic back from the
			// cluster: a migration is done, aborted or run elsewhere.
			return fmt.Errorf("%s already sends weight %d to the cluster; reset it to legacy alone first (ferry dns set %s %s %s=100:%s): %w",
				cfg.Domain, set.Weight, cfg.Domain, rrtype, LegacySetID, legacy, ErrForeignRecord)
		}
	}
	if _, ok := current.Set(ClusterSetID); ok && len(current.Sets) == 1 {
		return fmt.Errorf("%s answers with the cluster alone: %w", cfg.Domain, ErrForeignRecord)
	}
	return nil
}
