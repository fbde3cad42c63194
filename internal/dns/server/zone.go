package server

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	mdns "github.com/miekg/dns"

	"ferry.dev/ferry/internal/dns"
)

// Zone is one zone the server is authoritative for: its SOA and NS at the
// apex, records of other types served as they are (MX, SRV, CAA…), and the
// A, AAAA, CNAME and TXT records its zone file held, which become weighted
// record sets the first time the zone is served (Seed).
type Zone struct {
	Origin string // canonical, e.g. "example.test."
	SOA    *mdns.SOA
	NS     []*mdns.NS
	Static []mdns.RR
	Seed   []dns.RecordSet
}

// SeedSetID is the set id given to records imported from a zone file.
const SeedSetID = "zonefile"

// DefaultZone is a zone with nothing but a generated SOA and one NS record,
// ns1.<origin>.
func DefaultZone(origin string) Zone {
	origin = dns.CanonicalName(origin)
	ns := "ns1." + origin
	return Zone{
		Origin: origin,
		SOA: &mdns.SOA{
			Hdr:     mdns.RR_Header{Name: origin, Rrtype: mdns.TypeSOA, Class: mdns.ClassINET, Ttl: 3600},
			Ns:      ns,
			Mbox:    "hostmaster." + origin,
			Serial:  1,
			Refresh: 3600, Retry: 600, Expire: 604800, Minttl: 60,
		},
		NS: []*mdns.NS{{Hdr: mdns.RR_Header{Name: origin, Rrtype: mdns.TypeNS, Class: mdns.ClassINET, Ttl: 3600}, Ns: ns}},
	}
}

// LoadZoneFile reads an RFC 1035 zone file. origin may be empty when the
// file names every record absolutely or sets $ORIGIN; the zone's origin is
// then the owner of its SOA record.
func LoadZoneFile(path, origin string) (Zone, error) {
	f, err := os.Open(path)
	if err != nil {
		return Zone{}, fmt.Errorf("opening zone file: %w", err)
	}
	// Read-only: a close error cannot lose anything that was parsed.
	defer func() { _ = f.Close() }()
	z, err := ParseZone(f, path, origin)
	if err != nil {
		return Zone{}, fmt.Errorf("loading zone file %s: %w", path, err)
	}
	return z, nil
}

// ParseZone reads a zone in RFC 1035 master file format from r.
func ParseZone(r io.Reader, file, origin string) (Zone, error) {
	if origin != "" {
		origin = dns.CanonicalName(origin)
	}
	zp := mdns.NewZoneParser(r, origin, file)
	var rrs []mdns.RR
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		rr.Header().Name = strings.ToLower(rr.Header().Name)
		rrs = append(rrs, rr)
	}
	if err := zp.Err(); err != nil {
		return Zone{}, err
	}
	soaAt := slices.IndexFunc(rrs, func(rr mdns.RR) bool { return rr.Header().Rrtype == mdns.TypeSOA })
	if soaAt < 0 {
		return Zone{}, errors.New("no SOA record")
	}
	soa := rrs[soaAt].(*mdns.SOA)
	if origin != "" && soa.Hdr.Name != origin {
		return Zone{}, fmt.Errorf("SOA owner %s is not the origin %s", soa.Hdr.Name, origin)
	}
	z := Zone{Origin: soa.Hdr.Name, SOA: soa}
	return z, z.sortRecords(rrs)
}

// sortRecords files each record of the zone file under SOA, NS, Static or
// Seed, refusing what the server cannot serve faithfully.
func (z *Zone) sortRecords(rrs []mdns.RR) error {
	var errs []error
	seeds := map[[2]string]*dns.RecordSet{}
	for _, rr := range rrs {
		h := rr.Header()
		if !mdns.IsSubDomain(z.Origin, h.Name) {
			errs = append(errs, fmt.Errorf("%s: outside the zone %s", h.Name, z.Origin))
			continue
		}
		switch rr := rr.(type) {
		case *mdns.SOA:
			if rr != z.SOA {
				errs = append(errs, fmt.Errorf("%s: a second SOA record", h.Name))
			}
		case *mdns.NS:
			if h.Name != z.Origin {
				errs = append(errs, fmt.Errorf("%s: NS below the apex (delegation) is not supported", h.Name))
				continue
			}
			z.NS = append(z.NS, rr)
		case *mdns.A, *mdns.AAAA, *mdns.CNAME, *mdns.TXT:
			addSeed(seeds, rr)
		default:
			z.Static = append(z.Static, rr)
		}
	}
	if len(z.NS) == 0 {
		errs = append(errs, fmt.Errorf("%s: no NS record at the apex", z.Origin))
	}
	for _, rs := range seeds {
		z.Seed = append(z.Seed, *rs)
	}
	slices.SortFunc(z.Seed, func(a, b dns.RecordSet) int {
		return strings.Compare(a.Name+" "+a.Type, b.Name+" "+b.Type)
	})
	return errors.Join(errs...)
}

// addSeed adds rr to the single "zonefile" set of its name and type.
func addSeed(seeds map[[2]string]*dns.RecordSet, rr mdns.RR) {
	h := rr.Header()
	typ := mdns.TypeToString[h.Rrtype]
	key := [2]string{h.Name, typ}
	rs, ok := seeds[key]
	if !ok {
		rs = &dns.RecordSet{Name: h.Name, Type: typ, TTL: h.Ttl, Sets: []dns.WeightedSet{{ID: SeedSetID, Weight: 1}}}
		seeds[key] = rs
	}
	rs.TTL = min(rs.TTL, h.Ttl)
	var v string
	switch rr := rr.(type) {
	case *mdns.A:
		v = rr.A.String()
	case *mdns.AAAA:
		v = rr.AAAA.String()
	case *mdns.CNAME:
		v = strings.ToLower(rr.Target)
	case *mdns.TXT:
		v = strings.Join(rr.Txt, "")
	}
	rs.Sets[0].Values = append(rs.Sets[0].Values, v)
}
