package webhook

import (
	"errors"
	"fmt"
	"slices"
	"sort"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/externaldns"
)

// Change is the new content of one record set and the condition it is
// written on: Next nil deletes it.
type Change struct {
	Name, Type string
	Current    *dns.RecordSet // as read; nil when absent
	Next       *dns.RecordSet // nil: delete
}

// key names a record set.
type key struct{ name, rrtype string }

func keyOf(e externaldns.Endpoint) key {
	name, rrtype := externaldns.Key(e)
	return key{name: name, rrtype: rrtype}
}

// Plan turns external-dns's changes into one change per record set,
// against current (every record set, as read). It is pure. Deleting or
// updating a set that is not there, or creating one that is, is an error:
// external-dns's view is stale and it must read again.
func Plan(current []dns.RecordSet, ch Changes, defaultTTL uint32) ([]Change, error) {
	byKey := map[key]*dns.RecordSet{}
	for i := range current {
		rs := current[i]
		byKey[key{dns.CanonicalName(rs.Name), rs.Type}] = &rs
	}
	next := map[key]*dns.RecordSet{}
	get := func(k key) *dns.RecordSet {
		if rs, ok := next[k]; ok {
			return rs
		}
		rs := &dns.RecordSet{Name: k.name, Type: k.rrtype, TTL: defaultTTL}
		if cur := byKey[k]; cur != nil {
			c := cur.Clone()
			rs = &c
		}
		next[k] = rs
		return rs
	}
	var errs []error
	for _, e := range append(slices.Clone(ch.Delete), ch.UpdateOld...) {
		errs = append(errs, remove(get(keyOf(e)), e))
	}
	for _, e := range append(slices.Clone(ch.Create), ch.UpdateNew...) {
		errs = append(errs, add(get(keyOf(e)), e))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return changes(byKey, next), nil
}

func remove(rs *dns.RecordSet, e externaldns.Endpoint) error {
	s, err := externaldns.Set(e)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(rs.Sets, func(w dns.WeightedSet) bool { return w.ID == s.ID })
	if i < 0 {
		return fmt.Errorf("%w: %s %s has no set %q to remove", dns.ErrConflict, e.DNSName, e.RecordType, s.ID)
	}
	rs.Sets = slices.Delete(rs.Sets, i, i+1)
	return nil
}

func add(rs *dns.RecordSet, e externaldns.Endpoint) error {
	s, err := externaldns.Set(e)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(rs.Sets, func(w dns.WeightedSet) bool { return w.ID == s.ID }) {
		return fmt.Errorf("%w: %s %s already has a set %q", dns.ErrConflict, e.DNSName, e.RecordType, s.ID)
	}
	if e.RecordTTL > 0 {
		rs.TTL = uint32(min(e.RecordTTL, dns.MaxTTL))
	}
	rs.Sets = append(rs.Sets, s)
	return nil
}

// changes lists the record sets whose content changed, in name order.
func changes(byKey, next map[key]*dns.RecordSet) []Change {
	var out []Change
	for k, rs := range next {
		c := Change{Name: k.name, Type: k.rrtype, Current: byKey[k], Next: rs}
		if len(rs.Sets) == 0 {
			c.Next = nil
		}
		if c.Current == nil && c.Next == nil || c.Current != nil && c.Next != nil && c.Current.Equal(*c.Next) {
			continue
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Name < out[j].Name || out[i].Name == out[j].Name && out[i].Type < out[j].Type
	})
	return out
}
