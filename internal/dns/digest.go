package dns

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// digestVersion starts every digested normal form, so that a later change
// of the form can never make an old digest match a new set.
const digestVersion = "ferry-recordset-v1\n"

// Equal reports whether rs and o give the same answers: the same canonical
// name, type and TTL, and the same sets by id, each with the same weight
// and the same values. Order does not matter (of sets or of values), a
// value given twice counts once (RFC 2181 section 5: a record set holds
// each record once), addresses are compared as parsed (2001:DB8::1 and
// 2001:db8:0::1 are one address) and CNAME targets in canonical form. a.Equal(b) holds exactly when a.Digest() ==
// b.Digest().
func (rs RecordSet) Equal(o RecordSet) bool {
	a, b := rs.normal(), o.normal()
	return a.Name == b.Name && a.Type == b.Type && a.TTL == b.TTL &&
		slices.EqualFunc(a.Sets, b.Sets, func(x, y WeightedSet) bool {
			return x.ID == y.ID && x.Weight == y.Weight && slices.Equal(x.Values, y.Values)
		})
}

// Digest is the hex SHA-256 of rs's normal form (see Equal): a revision
// that a client computes from a set it built and a server from its stored
// copy, and that agree whenever the two sets are Equal. ferry's admin API
// sends it as the ETag.
func (rs RecordSet) Digest() string {
	b, err := json.Marshal(rs.normal())
	if err != nil { // strings, integers and slices of them always encode
		panic(fmt.Sprintf("encoding a record set's normal form: %v", err))
	}
	sum := sha256.Sum256(append([]byte(digestVersion), b...))
	return hex.EncodeToString(sum[:])
}

// normal returns rs in the form Equal and Digest compare: a fresh copy,
// canonical name and type, values normalised, sorted and without
// duplicates, sets sorted by id (then weight and values, so that even an
// invalid set with duplicate ids has one form).
func (rs RecordSet) normal() RecordSet {
	typ := strings.ToUpper(strings.TrimSpace(rs.Type))
	n := RecordSet{Name: CanonicalName(rs.Name), Type: typ, TTL: rs.TTL, Sets: make([]WeightedSet, len(rs.Sets))}
	for i, s := range rs.Sets {
		vals := make([]string, len(s.Values))
		for j, v := range s.Values {
			vals[j] = normalValue(typ, v)
		}
		slices.Sort(vals)
		n.Sets[i] = WeightedSet{ID: s.ID, Weight: s.Weight, Values: slices.Compact(vals)}
	}
	slices.SortFunc(n.Sets, func(x, y WeightedSet) int {
		return cmp.Or(strings.Compare(x.ID, y.ID), cmp.Compare(x.Weight, y.Weight), slices.Compare(x.Values, y.Values))
	})
	return n
}

func normalValue(rrtype, v string) string {
	if a, err := ParseAlias(v); err == nil {
		return a.String()
	}
	switch rrtype {
	case TypeA, TypeAAAA:
		if a, err := netip.ParseAddr(v); err == nil {
			return a.String()
		}
	case TypeCNAME:
		return CanonicalName(v)
	}
	return v
}

// Clone copies rs deeply, so that changing the copy's sets or values never
// changes rs.
func (rs RecordSet) Clone() RecordSet {
	if rs.Sets == nil {
		return rs
	}
	sets := make([]WeightedSet, len(rs.Sets))
	for i, s := range rs.Sets {
		s.Values = slices.Clone(s.Values)
		sets[i] = s
	}
	rs.Sets = sets
	return rs
}

// describe writes rs in the syntax `ferry dns set` takes, with its TTL and
// the first 12 digits of its revision: short enough for one log line,
// enough to tell two versions apart.
func describe(rs *RecordSet) string {
	sets := make([]string, len(rs.Sets))
	for i, s := range rs.Sets {
		sets[i] = fmt.Sprintf("%s=%d:%s", s.ID, s.Weight, strings.Join(s.Values, ","))
	}
	return fmt.Sprintf("%s (ttl %d, revision %.12s)", strings.Join(sets, " "), rs.TTL, rs.Digest())
}
