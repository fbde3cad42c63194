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
	if err := cond.Validate(); err != nil {
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
	if err := cond.Validate(); err != nil {
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
	ok, err := cond.Admit(k.Name, k.Type, cur, next)
	switch {
	case err != nil:
		return err
	case !ok:
		return errUnchanged
	}
	return nil
}

// apply makes op durable and publishes the view with it. check sees the
// state under the write lock and may refuse the change (errUnchanged: it
// is already made). The view is compiled before anything is written, so a
// change that cannot be served is refused rather than stored.
func (s *Server) apply(ctx context.Context, check func(store.State) error, op store.Op) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var next *view
	compile := func(st store.State) error {
		if check != nil {
			if err := check(st); err != nil {
				return err
			}
		}
		v, err := buildView(s.cfg.Zones, st.Next(op), s.metrics.counter)
		if err != nil {
			return fmt.Errorf("%w: %w", dns.ErrInvalid, err)
		}
		next = v
		return nil
	}
	if _, err := s.store.Apply(ctx, compile, op); err != nil {
		if errors.Is(err, errUnchanged) {
			return nil
		}
		return err
	}
	s.view.Store(next)
	s.metrics.retain(next)
	return nil
}

// Canonical returns rs with its name, type and CNAME targets in canonical
// form and its addresses in their shortest form, as the server stores them.
func Canonical(rs dns.RecordSet) dns.RecordSet {
	rs.Name = dns.CanonicalName(rs.Name)
	rs.Type = strings.ToUpper(strings.TrimSpace(rs.Type))
	sets := make([]dns.WeightedSet, len(rs.Sets))
	for i, set := range rs.Sets {
		set.Values = append([]string(nil), set.Values...)
		for j, v := range set.Values {
			switch rs.Type {
			case dns.TypeCNAME:
				set.Values[j] = dns.CanonicalName(v)
			case dns.TypeA, dns.TypeAAAA:
				if a, err := netip.ParseAddr(v); err == nil {
					set.Values[j] = a.String()
				}
			}
		}
		sets[i] = set
	}
	rs.Sets = sets
	return rs
}

// check validates rs against the model and the server's zones. Its errors
// wrap dns.ErrInvalid and name the field at fault.
func (s *Server) check(rs dns.RecordSet) error {
	errs := []error{rs.Validate()}
	if _, ok := mdns.IsDomainName(rs.Name); !ok {
		errs = append(errs, fmt.Errorf("name: %q is not a domain name", rs.Name))
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
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: %w", dns.ErrInvalid, err)
	}
	return nil
}

func checkValue(rs dns.RecordSet, v string) error {
	if rs.Type == dns.TypeCNAME {
		if _, ok := mdns.IsDomainName(v); !ok {
			return fmt.Errorf("%q is not a domain name", v)
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
