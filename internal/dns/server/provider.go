package server

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	mdns "github.com/miekg/dns"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/server/store"
)

// Get returns the record set for name and type (dns.Provider).
func (s *Server) Get(_ context.Context, name, rrtype string) (dns.RecordSet, error) {
	k := keyOf(name, rrtype)
	rs, ok := s.store.State().Records[k]
	if !ok {
		return dns.RecordSet{}, fmt.Errorf("getting %s %s: %w", k.Name, k.Type, dns.ErrNotFound)
	}
	return rs.Clone(), nil
}

// List returns every record set, ordered by name and type.
func (s *Server) List(context.Context) []dns.RecordSet {
	out := s.store.State().Sorted()
	for i := range out {
		out[i] = out[i].Clone() // the store's state is shared: never hand it out
	}
	return out
}

func keyOf(name, rrtype string) store.Key {
	return store.Key{Name: dns.CanonicalName(name), Type: strings.ToUpper(strings.TrimSpace(rrtype))}
}

// Replace makes rs the whole answer for its name and type if cond holds
// (dns.Provider). It returns once the change is on disk and visible to the
// next query.
func (s *Server) Replace(ctx context.Context, rs dns.RecordSet, cond dns.Condition) error {
	if err := errors.Join(s.readOnly(), cond.Validate()); err != nil {
		return err
	}
	if err := checkNames(rs); err != nil {
		return err
	}
	rs = Canonical(rs)
	if err := s.check(rs); err != nil {
		return err
	}
	k := store.KeyOf(rs)
	admit := func(st store.State) error {
		if err := admitChange(st, k, &rs, cond); err != nil {
			return err
		}
		return s.conflicts(st, rs)
	}
	return s.apply(ctx, admit, store.Op{Put: &rs})
}

// Delete removes the record set for name and type if cond holds
// (dns.Provider).
func (s *Server) Delete(ctx context.Context, name, rrtype string, cond dns.Condition) error {
	if err := errors.Join(s.readOnly(), cond.Validate()); err != nil {
		return err
	}
	k := keyOf(name, rrtype)
	admit := func(st store.State) error { return admitChange(st, k, nil, cond) }
	return s.apply(ctx, admit, store.Op{Delete: &k})
}

// errUnchanged stops a change that is already made: apply reports success
// and writes nothing.
var errUnchanged = errors.New("the change is already made")

// admitChange decides, under the write lock, whether cond lets next (nil:
// a delete) replace what st holds at k.
func admitChange(st store.State, k store.Key, next *dns.RecordSet, cond dns.Condition) error {
	var cur *dns.RecordSet
	if rs, ok := st.Records[k]; ok {
		cur = &rs // Admit copies what it keeps
	}
	if cur != nil && next != nil && next.Equal(*cur) {
		// Whatever the condition: writing what is there would bump the
		// serial and grow the log for nothing (and make every resolver
		// that watches the serial refetch).
		return errUnchanged
	}
	ok, err := cond.Admit(k.Name, k.Type, cur, next)
	switch {
	case err != nil:
		return err
	case !ok:
		return errUnchanged
	}
	return nil
}

// Canonical returns rs with its name, type and CNAME targets in canonical
// form (dns.ParseName), its addresses in their shortest form and each value
// once (RFC 2181 section 5: a record set holds each record once; the first
// spelling is kept), as the server stores them.
func Canonical(rs dns.RecordSet) dns.RecordSet {
	rs.Name = dns.CanonicalName(rs.Name)
	rs.Type = strings.ToUpper(strings.TrimSpace(rs.Type))
	sets := make([]dns.WeightedSet, len(rs.Sets))
	for i, set := range rs.Sets {
		values := make([]string, 0, len(set.Values))
		seen := map[string]bool{}
		for _, v := range set.Values {
			v = canonicalValue(rs.Type, v)
			if !seen[v] {
				seen[v] = true
				values = append(values, v)
			}
		}
		set.Values = values
		sets[i] = set
	}
	rs.Sets = sets
	return rs
}

func canonicalValue(rrtype, v string) string {
	switch rrtype {
	case dns.TypeCNAME:
		return dns.CanonicalName(v)
	case dns.TypeA, dns.TypeAAAA:
		if a, err := netip.ParseAddr(v); err == nil && a.Zone() == "" {
			return a.String()
		}
	case dns.TypeTXT:
		if s, err := parseTXT(v); err == nil {
			return formatTXT(s)
		}
	}
	return v
}

// checkNames refuses an owner name or CNAME target that is not exactly one
// DNS name (dns.ParseName), before canonical forms are made of them.
func checkNames(rs dns.RecordSet) error {
	var errs []error
	if rs.Name != "" { // an empty name is Validate's to report
		if _, err := dns.ParseName(rs.Name); err != nil {
			errs = append(errs, fmt.Errorf("name: %w", err))
		}
	}
	if strings.EqualFold(strings.TrimSpace(rs.Type), dns.TypeCNAME) {
		for i, set := range rs.Sets {
			for j, v := range set.Values {
				if _, err := dns.ParseName(v); err != nil {
					errs = append(errs, fmt.Errorf("sets[%d].values[%d]: %w", i, j, err))
				}
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: %w", dns.ErrInvalid, err)
	}
	return nil
}

// check validates rs against the model and the server's zones. Its errors
// wrap dns.ErrInvalid and name the field at fault.
func (s *Server) check(rs dns.RecordSet) error {
	errs := []error{rs.Validate()}
	if _, err := dns.ParseName(rs.Name); err != nil {
		errs = append(errs, fmt.Errorf("name: %w", err))
	} else if zone := s.zoneOf(rs.Name); zone == "" {
		errs = append(errs, fmt.Errorf("name: %s is outside the zones %s", rs.Name, strings.Join(s.Zones(), ", ")))
	} else if isWildcard(rs.Name) {
		errs = append(errs, fmt.Errorf("name: %s is a wildcard name, which ferry does not serve (it would answer only for a literal '*')", rs.Name))
	} else if rs.Type == dns.TypeCNAME && rs.Name == zone {
		errs = append(errs, fmt.Errorf("name: %s is the zone apex, which cannot hold a CNAME", rs.Name))
	}
	for i, set := range rs.Sets {
		for j, v := range set.Values {
			if err := checkValue(rs, v); err != nil {
				errs = append(errs, fmt.Errorf("sets[%d].values[%d]: %w", i, j, err))
			}
		}
	}
	if size, ok := fitsMessage(rs); !ok {
		errs = append(errs, fmt.Errorf("sets: an answer of %s %s would take %d bytes, more than the 65535 a DNS message holds", rs.Name, rs.Type, size))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: %w", dns.ErrInvalid, err)
	}
	return nil
}

func checkValue(rs dns.RecordSet, v string) error {
	switch rs.Type {
	case dns.TypeCNAME:
		if _, err := dns.ParseName(v); err != nil {
			return err
		}
	case dns.TypeAAAA:
		if a, err := netip.ParseAddr(v); err == nil && a.Zone() != "" {
			return fmt.Errorf("%q has a zone (%%%s), which a DNS record cannot hold; give the address alone", v, a.Zone())
		}
	case dns.TypeTXT:
		if _, err := parseTXT(v); err != nil {
			return err
		}
	}
	rr, err := toRR(rs, v)
	if err != nil {
		return err
	}
	if _, err := packBody(rr); err != nil {
		return fmt.Errorf("%q cannot be encoded: %w", v, err)
	}
	return nil
}

// zoneOf returns the most specific zone origin holding name, or "".
func (s *Server) zoneOf(name string) string {
	best := ""
	for _, z := range s.cfg.Zones {
		if mdns.IsSubDomain(z.Origin, name) && len(z.Origin) > len(best) {
			best = z.Origin
		}
	}
	return best
}

// conflicts refuses a CNAME beside other data at one name, either way.
func (s *Server) conflicts(st store.State, rs dns.RecordSet) error {
	var present []string
	for k := range st.Records {
		if k.Name == rs.Name && k.Type != rs.Type { // rs.Type itself is replaced
			present = append(present, k.Type)
		}
	}
	for _, z := range s.cfg.Zones {
		for _, rr := range z.Static {
			if rr.Header().Name == rs.Name {
				present = append(present, mdns.TypeToString[rr.Header().Rrtype])
			}
		}
	}
	if others := cnameConflicts(rs.Type, present); len(others) > 0 {
		return fmt.Errorf("%w: type: %s %w", dns.ErrInvalid, rs.Name, conflictError(rs.Type, others))
	}
	return nil
}

// cnameConflicts returns the types among present (the other types at a
// name) that may not sit beside rrtype there: a CNAME must be alone (RFC
// 1034 section 3.6.2). The admin API and zone files share this rule.
func cnameConflicts(rrtype string, present []string) []string {
	var out []string
	for _, t := range present {
		if t != rrtype && (rrtype == dns.TypeCNAME || t == dns.TypeCNAME) {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func conflictError(rrtype string, others []string) error {
	return fmt.Errorf("%s cannot sit beside %s records at the same name (a CNAME must be alone)", rrtype, strings.Join(others, ", "))
}
