package migrate

import (
	"cmp"
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
// anything is applied. At is when it happens, counted from the start of a
// healthy run; Condition is what the record must still be for it to apply.
type Change struct {
	Stage     Stage          `json:"stage"`
	Action    ActionKind     `json:"action,omitempty"`
	Record    *dns.RecordSet `json:"record,omitempty"`
	Condition string         `json:"condition,omitempty"`
	// Previous is the record set the change is written over (nil: none),
	// for providers whose change names the old set too (a Route 53 batch
	// DELETEs it); Condition describes it.
	Previous *dns.RecordSet `json:"-"`
	At       time.Duration  `json:"at"`
	When     string         `json:"when"`
}

// RecordFor is the record set action a writes for cfg at weights w.
func RecordFor(cfg Config, a ActionKind, w Weights) dns.RecordSet {
	rrtype, _ := cfg.RecordType()
	rs := dns.RecordSet{Name: dns.CanonicalName(cfg.Domain), Type: rrtype, TTL: uint32(cfg.TTL / time.Second)}
	legacy := dns.WeightedSet{ID: LegacySetID, Weight: w.Legacy, Values: []string{cfg.legacyValue(rrtype)}}
	cluster := dns.WeightedSet{ID: ClusterSetID, Weight: w.Cluster, Values: []string{cfg.clusterValue(rrtype)}}
	switch a {
	case PointPreview:
		rs.Name = dns.CanonicalName(cfg.PreviewDomain)
		cluster.Weight = 100
		rs.Sets = []dns.WeightedSet{cluster}
	case RemoveLegacy:
		if cfg.DNS.PlainCutover {
			cluster.ID, cluster.Weight = dns.PlainSetID, dns.PlainWeight
		}
		rs.Sets = []dns.WeightedSet{cluster}
	case RestoreLegacy:
		rs.Sets = []dns.WeightedSet{legacy}
	default:
		rs.Sets = []dns.WeightedSet{legacy, cluster}
	}
	return rs
}

// legacyValue and clusterValue are what each side is published as: its
// alias target, or its endpoint's address or name.
func (cfg Config) legacyValue(rrtype string) string {
	return cmp.Or(cfg.LegacyAlias, recordValue(cfg.Legacy, rrtype))
}

func (cfg Config) clusterValue(rrtype string) string {
	return cmp.Or(cfg.ClusterAlias, recordValue(cfg.Cluster, rrtype))
}

func recordValue(endpoint, rrtype string) string {
	host, _, _ := SplitEndpoint(endpoint)
	if rrtype == dns.TypeCNAME {
		return dns.CanonicalName(host)
	}
	return host
}

// Describe is a record set on one line, as plans, alerts and status show
// it: "api.example.test. A ttl=60 legacy(w=90)=192.0.2.1 cluster(w=10)=…".
func Describe(rs dns.RecordSet) string {
	var sets []string
	for _, s := range rs.Sets {
		sets = append(sets, fmt.Sprintf("%s(w=%d)=%s", s.ID, s.Weight, strings.Join(s.Values, ",")))
	}
	return fmt.Sprintf("%s %s ttl=%d %s", rs.Name, rs.Type, rs.TTL, strings.Join(sets, " "))
}

// weightsOf reads the two sides' weights back from ferry's weighted set;
// ok is false for any other record set.
func weightsOf(rs dns.RecordSet) (Weights, bool) {
	var w Weights
	for _, s := range rs.Sets {
		switch s.ID {
		case LegacySetID:
			w.Legacy = s.Weight
		case ClusterSetID:
			w.Cluster = s.Weight
		default:
			return Weights{}, false
		}
	}
	return w, len(rs.Sets) > 0
}

// ErrForeignRecord means the domain's record points somewhere else than
// the configured legacy endpoint, so adopting it would move traffic.
var ErrForeignRecord = errors.New("the domain's record does not point at the legacy endpoint")

// CheckCurrent decides whether the domain's current record set (nil when
// there is none) may be adopted without moving traffic: absent, a plain
// record whose values are the legacy endpoint, or ferry's own sets with all
// weight on legacy (after a rollback). Any set ferry did not write and
// does not adopt (Foreign) refuses the adoption with ErrNotOwned, which
// names each and what it does to the split. It is pure; the executor
// fetches the record.
func CheckCurrent(cfg Config, current *dns.RecordSet) error {
	if current == nil {
		return nil
	}
	rrtype, _ := cfg.RecordType()
	if current.Type != rrtype {
		return fmt.Errorf("%s has a %s record, but the endpoints need %s: %w", cfg.Domain, current.Type, rrtype, ErrForeignRecord)
	}
	if foreign := Foreign(cfg, *current); len(foreign) > 0 {
		return notOwned(cfg, *current, foreign)
	}
	legacy := cfg.legacyValue(rrtype)
	cluster := cfg.clusterValue(rrtype)
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
