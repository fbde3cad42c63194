package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	mdns "github.com/miekg/dns"

	"ferry.dev/ferry/internal/dns"
)

// Zone is one zone the server is authoritative for: its SOA and NS at the
// apex, records served as they are (MX, SRV, CAA… from a zone file; the
// name servers' addresses of a generated zone), and the
// A, AAAA, CNAME and TXT records its zone file held, which become weighted
// record sets the first time the zone is served (Seed).
type Zone struct {
	Origin string // canonical, e.g. "example.test."
	File   string // the zone file it was read from; "" when generated
	SOA    *mdns.SOA
	NS     []*mdns.NS
	Static []mdns.RR
	Seed   []dns.RecordSet
}

// SeedSetID is the set id given to records imported from a zone file.
const SeedSetID = "zonefile"

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
		return Zone{}, fmt.Errorf("loading zone file: %w", err) // every error names the file
	}
	return z, nil
}

// ParseZone reads a zone in RFC 1035 master file format from r. Its errors
// name the file and the line of each record at fault.
func ParseZone(r io.Reader, file, origin string) (Zone, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return Zone{}, fmt.Errorf("reading %s: %w", file, err)
	}
	if origin != "" {
		origin = dns.CanonicalName(origin)
	}
	zp := mdns.NewZoneParser(bytes.NewReader(src), origin, file)
	var rrs []mdns.RR
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		rrs = append(rrs, rr)
	}
	if err := zp.Err(); err != nil {
		return Zone{}, err
	}
	pos := positions{file: file, lines: recordLines(src)}
	if len(pos.lines) != len(rrs) {
		pos.lines = nil // the scan lost track: name the file alone
	}
	if err := canonicalOwners(rrs, pos); err != nil {
		return Zone{}, err
	}
	soaAt := slices.IndexFunc(rrs, func(rr mdns.RR) bool { return rr.Header().Rrtype == mdns.TypeSOA })
	if soaAt < 0 {
		return Zone{}, fmt.Errorf("%s: no SOA record", file)
	}
	soa := rrs[soaAt].(*mdns.SOA)
	if origin != "" && soa.Hdr.Name != origin {
		return Zone{}, fmt.Errorf("%s: SOA owner %s is not the origin %s", pos.at(soaAt), soa.Hdr.Name, origin)
	}
	z := Zone{Origin: soa.Hdr.Name, File: file, SOA: soa}
	return z, z.sortRecords(rrs, pos)
}

// canonicalOwners gives every owner name and CNAME target its one
// canonical spelling (dns.ParseName), refusing names that are not exactly
// one DNS name, so that a file cannot hold one name under two spellings.
func canonicalOwners(rrs []mdns.RR, pos positions) error {
	var errs []error
	for i, rr := range rrs {
		name, err := dns.ParseName(rr.Header().Name)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: owner: %w", pos.at(i), err))
			continue
		}
		rr.Header().Name = name
		if c, ok := rr.(*mdns.CNAME); ok {
			if c.Target, err = dns.ParseName(c.Target); err != nil {
				errs = append(errs, fmt.Errorf("%s: %s CNAME target: %w", pos.at(i), name, err))
			}
		}
	}
	return errors.Join(errs...)
}

// positions names where each record of a zone file is, as "file:line".
type positions struct {
	file  string
	lines []int // per record; nil when unknown
}

func (p positions) at(i int) string {
	if p.lines == nil {
		return p.file
	}
	return p.file + ":" + strconv.Itoa(p.lines[i])
}

// sortRecords files each record of the zone file under SOA, NS, Static or
// Seed, refusing what the server cannot serve faithfully.
func (z *Zone) sortRecords(rrs []mdns.RR, pos positions) error {
	var errs []error
	seeds := map[[2]string]*dns.RecordSet{}
	first := map[[2]string]int{} // the first record of each seeded name and type
	for i, rr := range rrs {
		h := rr.Header()
		if err := z.refuse(rr); err != nil {
			errs = append(errs, fmt.Errorf("%s: %s: %w", pos.at(i), h.Name, err))
			continue
		}
		switch rr := rr.(type) {
		case *mdns.SOA:
		case *mdns.NS:
			z.NS = append(z.NS, rr)
		case *mdns.A, *mdns.AAAA, *mdns.CNAME, *mdns.TXT:
			key := [2]string{h.Name, mdns.TypeToString[h.Rrtype]}
			if _, ok := first[key]; !ok {
				first[key] = i
			}
			addSeed(seeds, rr)
		default:
			z.Static = append(z.Static, rr)
		}
	}
	errs = append(errs, zoneCNAMEConflicts(rrs, pos)...)
	if len(z.NS) == 0 {
		errs = append(errs, fmt.Errorf("%s: %s: no NS record at the apex", pos.file, z.Origin))
	}
	for _, rs := range seeds {
		z.Seed = append(z.Seed, *rs)
	}
	slices.SortFunc(z.Seed, func(a, b dns.RecordSet) int {
		return strings.Compare(a.Name+" "+a.Type, b.Name+" "+b.Type)
	})
	for _, rs := range z.Seed {
		if err := rs.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %s %s: %w", pos.at(first[[2]string{rs.Name, rs.Type}]), rs.Name, rs.Type, err))
		}
	}
	return errors.Join(errs...)
}

// refuse says why rr cannot be served as written, or returns nil.
func (z *Zone) refuse(rr mdns.RR) error {
	h := rr.Header()
	switch {
	case !mdns.IsSubDomain(z.Origin, h.Name):
		return fmt.Errorf("outside the zone %s", z.Origin)
	case isWildcard(h.Name):
		return errors.New("wildcard names are not supported (the name would be served literally, not as a wildcard)")
	case h.Class != mdns.ClassINET:
		return fmt.Errorf("class %s: ferry serves class IN only, the zone's class", mdns.Class(h.Class))
	case h.Rrtype == mdns.TypeSOA && rr != z.SOA:
		return errors.New("a second SOA record")
	case h.Rrtype == mdns.TypeNS && h.Name != z.Origin:
		return errors.New("NS below the apex (delegation) is not supported")
	}
	return nil
}

// isWildcard reports whether name's first label is "*" (RFC 4592).
func isWildcard(name string) bool {
	return name == "*" || strings.HasPrefix(name, "*.")
}

// zoneCNAMEConflicts refuses a CNAME beside other data at one name, or a
// second CNAME, with the check the admin API applies to every change.
func zoneCNAMEConflicts(rrs []mdns.RR, pos positions) []error {
	byName := map[string][]int{}
	for i, rr := range rrs {
		byName[rr.Header().Name] = append(byName[rr.Header().Name], i)
	}
	var errs []error
	for i, rr := range rrs {
		if rr.Header().Rrtype != mdns.TypeCNAME {
			continue
		}
		var present, where []string
		for _, j := range byName[rr.Header().Name] {
			if j == i {
				continue
			}
			if rrs[j].Header().Rrtype == mdns.TypeCNAME {
				if j < i {
					errs = append(errs, fmt.Errorf("%s: %s: a second CNAME at the same name (a name has one canonical name)", pos.at(i), rr.Header().Name))
				}
				continue
			}
			present = append(present, mdns.TypeToString[rrs[j].Header().Rrtype])
			where = append(where, pos.at(j))
		}
		if others := cnameConflicts(dns.TypeCNAME, present); len(others) > 0 {
			errs = append(errs, fmt.Errorf("%s: %s: %w (at %s)", pos.at(i), rr.Header().Name,
				conflictError(dns.TypeCNAME, others), strings.Join(where, ", ")))
		}
	}
	return errs
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
		v = rr.Target
	case *mdns.TXT:
		v = txtValue(rr.Txt)
	}
	if !slices.Contains(rs.Sets[0].Values, v) { // RFC 2181 section 5
		rs.Sets[0].Values = append(rs.Sets[0].Values, v)
	}
}

// txtValue is the value of a zone file's TXT record, its strings kept as
// they are (miekg/dns hands them over escaped).
func txtValue(escaped []string) string {
	raw := make([]string, len(escaped))
	for i, s := range escaped {
		raw[i], _, _ = unescapeTXT(s, false) // miekg/dns wrote valid escapes
	}
	return formatTXT(raw)
}
