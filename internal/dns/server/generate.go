package server

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"

	mdns "github.com/miekg/dns"

	"ferry.dev/ferry/internal/dns"
)

// NameServer is one NS record of a generated zone. Addrs, when not empty,
// are served as A and AAAA records at Name (the glue a parent zone needs
// for a delegation to a name inside the zone it delegates).
type NameServer struct {
	// Zone, when set, makes this an NS record of that zone only; name
	// servers without a Zone serve every zone that has none of its own.
	Zone  string
	Name  string
	Addrs []netip.Addr
}

// DefaultZone is a zone with nothing but a generated SOA and one NS record,
// ns1.<origin>., which has no address: enough for direct queries, not for
// a delegation (use GeneratedZones with name servers for that).
func DefaultZone(origin string) Zone {
	origin = dns.CanonicalName(origin)
	return generatedZone(origin, []string{"ns1." + origin})
}

// generatedZone is a zone with a generated SOA whose MNAME is the first of
// ns, and one NS record per name in ns.
func generatedZone(origin string, ns []string) Zone {
	hdr := func(t uint16) mdns.RR_Header {
		return mdns.RR_Header{Name: origin, Rrtype: t, Class: mdns.ClassINET, Ttl: 3600}
	}
	z := Zone{
		Origin: origin,
		SOA: &mdns.SOA{
			Hdr: hdr(mdns.TypeSOA), Ns: ns[0], Mbox: "hostmaster." + origin, Serial: 1,
			Refresh: 3600, Retry: 600, Expire: 604800, Minttl: 60,
		},
	}
	for _, n := range ns {
		z.NS = append(z.NS, &mdns.NS{Hdr: hdr(mdns.TypeNS), Ns: n})
	}
	return z
}

// GeneratedZones returns one zone per origin, each with a generated SOA and
// an NS record for every name server in ns, in order (the SOA's MNAME is
// the first). Without name servers each zone is DefaultZone. The addresses
// of a name server are served from the most specific of these zones that
// holds its name, so they are there for resolvers following a delegation;
// addresses for a name outside every origin are an error, since ferry
// would not be authoritative for them.
func GeneratedZones(origins []string, ns []NameServer) ([]Zone, error) {
	names, glue, err := nameServers(ns)
	if err != nil {
		return nil, err
	}
	zones := make([]Zone, 0, len(origins))
	var errs []error
	for _, o := range origins {
		o = dns.CanonicalName(o)
		if names := zoneNameServers(o, ns); len(names) > 0 {
			zones = append(zones, generatedZone(o, names))
		} else {
			zones = append(zones, DefaultZone(o))
		}
	}
	for _, s := range ns {
		if s.Zone != "" && indexOfZone(zones, dns.CanonicalName(s.Zone)) < 0 {
			errs = append(errs, fmt.Errorf("%s: the zone %s is not one of %v", s.Name, s.Zone, origins))
		}
	}
	for _, n := range names {
		if len(glue[n]) == 0 {
			continue
		}
		i := mostSpecific(zones, n)
		if i < 0 {
			errs = append(errs, fmt.Errorf("%s: an address is given, but the name is in none of the zones %v", n, origins))
			continue
		}
		for _, a := range glue[n] {
			zones[i].Static = append(zones[i].Static, addressRR(n, a))
		}
	}
	return zones, errors.Join(errs...)
}

// zoneNameServers is the NS names of zone: those given for it, else those
// given for every zone.
func zoneNameServers(zone string, ns []NameServer) []string {
	var own, all []string
	for _, s := range ns {
		n := dns.CanonicalName(s.Name)
		switch {
		case s.Zone == "" && !slices.Contains(all, n):
			all = append(all, n)
		case s.Zone != "" && dns.CanonicalName(s.Zone) == zone && !slices.Contains(own, n):
			own = append(own, n)
		}
	}
	if len(own) > 0 {
		return own
	}
	return all
}

// indexOfZone returns the index of the zone whose origin is zone, or -1.
func indexOfZone(zones []Zone, zone string) int {
	return slices.IndexFunc(zones, func(z Zone) bool { return z.Origin == zone })
}

// nameServers checks ns and returns the distinct names in order and the
// addresses given for each.
func nameServers(ns []NameServer) ([]string, map[string][]netip.Addr, error) {
	var names []string
	glue := map[string][]netip.Addr{}
	var errs []error
	for _, s := range ns {
		n := dns.CanonicalName(s.Name)
		if _, ok := mdns.IsDomainName(n); !ok || n == "." {
			errs = append(errs, fmt.Errorf("%q is not a domain name", s.Name))
			continue
		}
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
		for _, a := range s.Addrs {
			if !a.IsValid() || a.Is4In6() || a.Zone() != "" {
				errs = append(errs, fmt.Errorf("%s: %q is not an IPv4 or IPv6 address a record can hold (no %%zone)", n, a))
				continue
			}
			if !slices.Contains(glue[n], a) {
				glue[n] = append(glue[n], a)
			}
		}
	}
	return names, glue, errors.Join(errs...)
}

// mostSpecific returns the index of the zone with the longest origin that
// holds name, or -1.
func mostSpecific(zones []Zone, name string) int {
	best := -1
	for i, z := range zones {
		if mdns.IsSubDomain(z.Origin, name) && (best < 0 || len(z.Origin) > len(zones[best].Origin)) {
			best = i
		}
	}
	return best
}

func addressRR(name string, a netip.Addr) mdns.RR {
	if a.Is4() {
		return &mdns.A{Hdr: mdns.RR_Header{Name: name, Rrtype: mdns.TypeA, Class: mdns.ClassINET, Ttl: 3600}, A: a.AsSlice()}
	}
	return &mdns.AAAA{Hdr: mdns.RR_Header{Name: name, Rrtype: mdns.TypeAAAA, Class: mdns.ClassINET, Ttl: 3600}, AAAA: a.AsSlice()}
}
