package migrate

import (
	"errors"
	"fmt"
	"strings"

	"ferry.dev/ferry/internal/dns"
)

// ErrNotOwned means record sets ferry did not write share the domain's name
// and type: ferry leaves them as they are and does not start beside them.
// An error that matches it matches ErrForeignRecord too.
var ErrNotOwned = errors.New("record sets ferry did not write share the domain's name")

// Foreign returns the sets of rs that ferry neither wrote nor adopts, in
// rs's order. ferry writes the sets LegacySetID and ClusterSetID, and adopts
// the domain's plain record by name: at a provider that keeps plain
// records apart from weighted ones (DNS.PlainCutover: Route 53) that is
// the lone set dns.PlainSetID; at ferry's own server, where every record
// is a set, a record set of one set. Every other set is someone else's. It
// is pure.
func Foreign(cfg Config, rs dns.RecordSet) []dns.WeightedSet {
	var out []dns.WeightedSet
	for _, s := range rs.Sets {
		switch {
		case s.ID == LegacySetID || s.ID == ClusterSetID:
		case len(rs.Sets) == 1 && (!cfg.DNS.PlainCutover || s.ID == dns.PlainSetID):
		default:
			out = append(out, s)
		}
	}
	return out
}

// notOwned is the refusal to adopt rs beside foreign sets: each named
// with its share of the queries today, and what staying beside them would
// do. A weighted answer picks a set with probability weight / sum of every
// set's weight, foreign ones included, so ferry's percentages would be
// shares of less than the whole, and the foreign sets would still answer
// after the cutover.
func notOwned(cfg Config, rs dns.RecordSet, foreign []dns.WeightedSet) error {
	total, others := 0, 0
	for _, s := range rs.Sets {
		total += s.Weight
	}
	names := make([]string, len(foreign))
	for i, s := range foreign {
		others += s.Weight
		names[i] = fmt.Sprintf("%s (weight %d → %s, %s of queries today)", s.ID, s.Weight, strings.Join(s.Values, ","), share(s.Weight, total, len(rs.Sets)))
	}
	step := 100
	if len(cfg.Steps) > 0 {
		step = cfg.Steps[0]
	}
	effect := fmt.Sprintf("they would answer %s of the queries at every step and after the cutover, so each step's split would be off (cluster at %d%% would get %s) and legacy would never drain",
		share(others, 100+others, 3), step, share(step, 100+others, 3))
	if others == 0 {
		effect = "at weight 0 they take no queries while ferry's sets have weight, but Route 53 refuses a plain record beside weighted ones and every weighted set of a name must share one TTL, so the cutover could fail on them"
	}
	return &notOwnedError{msg: fmt.Sprintf("%s %s holds record sets ferry did not write: %s. ferry changes only its own sets (%s, %s) and the plain record it adopts, and leaves these as they are; "+
		"beside them, %s. Remove them, or fold them into one plain record at legacy, then start again",
		cfg.Domain, rs.Type, strings.Join(names, "; "), LegacySetID, ClusterSetID, effect)}
}

// notOwnedError is ErrNotOwned with its details; it also matches
// ErrForeignRecord, which every caller of CheckCurrent already handles.
type notOwnedError struct{ msg string }

func (e *notOwnedError) Error() string   { return e.msg }
func (e *notOwnedError) Unwrap() []error { return []error{ErrNotOwned, ErrForeignRecord} }

// share is part of total as a percentage for an operator; total 0 is
// Route 53's equal split over n sets.
func share(part, total, n int) string {
	if total == 0 {
		return fmt.Sprintf("%.1f%%", 100/float64(n))
	}
	return fmt.Sprintf("%.1f%%", 100*float64(part)/float64(total))
}
