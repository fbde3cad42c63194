package server

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"sync/atomic"

	mdns "github.com/miekg/dns"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/server/store"
)

// view is everything a query needs, compiled for speed and never modified
// once published. Names are keyed by their lower-case wire form, so a query
// is looked up without converting it to text.
type view struct {
	zones map[string]*zoneView
	names map[string]*node
}

type zoneView struct {
	origin    string
	apexWire  string
	negSOA    []byte // the SOA for the authority section, owner-less, TTL = min(TTL, minimum)
	hinfo     []byte // the RFC 8482 answer to ANY, owner-less
	glue      []byte // A/AAAA of the zone's name servers inside ferry's zones, owners uncompressed
	glueCount uint16
	ns        []string // the NS targets, canonical
}

type node struct {
	zone   *zoneView
	cname  *rrset
	rrsets []*rrset // every other type, ordered by type
}

func (n *node) find(qtype uint16) *rrset {
	for _, rs := range n.rrsets {
		if rs.rrtype == qtype {
			return rs
		}
	}
	return nil
}

// rrset is one name and type: one or more weighted sets of pre-packed
// records.
type rrset struct {
	rrtype uint16
	total  uint32
	sets   []wset
}

// wset is one weighted set. Each record is packed without its owner name
// (type, class, TTL, length, data), so the owner can be written as a
// compression pointer to the question.
type wset struct {
	id      string
	cum     uint32 // running total of weights up to and including this set
	records [][]byte
	target  string         // CNAME only: lower-case wire form of the target
	answers *atomic.Uint64 // answers given with this set, kept across views
}

// pick chooses one set with probability weight/total (all zero: equally).
func (r *rrset) pick() *wset {
	if len(r.sets) == 1 {
		return &r.sets[0]
	}
	if r.total == 0 {
		return &r.sets[rand.IntN(len(r.sets))]
	}
	x := rand.Uint32N(r.total)
	for i := range r.sets {
		if x < r.sets[i].cum {
			return &r.sets[i]
		}
	}
	return &r.sets[len(r.sets)-1]
}

// counterFunc returns the lasting answer counter of one set.
type counterFunc func(name, rrtype, id string) *atomic.Uint64

// buildView compiles zones and the store's records. Serials are the zone's
// base serial plus the store revision, so they grow with every change.
func buildView(zones []Zone, st store.State, counter counterFunc) (*view, error) {
	v := &view{zones: map[string]*zoneView{}, names: map[string]*node{}}
	// Every apex first: with nested zones, a parent's records must not
	// claim a child's apex as one of the parent's empty non-terminals.
	for _, z := range zones {
		apex, err := wireName(z.Origin)
		if err != nil {
			return nil, err
		}
		zv := &zoneView{origin: z.Origin, apexWire: apex}
		v.zones[apex] = zv
		v.names[apex] = &node{zone: zv}
	}
	for _, z := range zones {
		if err := v.addZone(z, st.Rev, counter); err != nil {
			return nil, err
		}
	}
	// In name order, so that nothing depends on the map's iteration order.
	for _, rs := range st.Sorted() {
		zv := v.zoneOf(rs.Name)
		if zv == nil {
			continue // its zone is no longer served; keep it on disk
		}
		if err := v.addRecordSet(zv, rs, counter); err != nil {
			return nil, fmt.Errorf("compiling %s %s: %w", rs.Name, rs.Type, err)
		}
	}
	for _, zv := range v.zones {
		if err := v.addGlue(zv); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// addGlue packs the addresses of zv's name servers that ferry serves (one
// set, not weighted: a name server's address is not a traffic split),
// with their owner names, for the additional section of NS answers.
func (v *view) addGlue(zv *zoneView) error {
	for _, target := range zv.ns {
		w, err := wireName(target)
		if err != nil {
			return err
		}
		n := v.names[w]
		if n == nil || v.zoneOfWire(w) == nil {
			continue
		}
		for _, t := range []uint16{mdns.TypeA, mdns.TypeAAAA} {
			if rs := n.find(t); rs != nil && len(rs.sets) == 1 {
				for _, rec := range rs.sets[0].records {
					zv.glue = append(append(zv.glue, w...), rec...)
					zv.glueCount++
				}
			}
		}
	}
	return nil
}

func (v *view) addZone(z Zone, rev uint64, counter counterFunc) error {
	soa := *z.SOA
	soa.Hdr.Name = z.Origin
	soa.Serial = z.SOA.Serial + uint32(rev)
	neg := soa
	neg.Hdr.Ttl = min(soa.Hdr.Ttl, soa.Minttl)
	apex, err := wireName(z.Origin)
	if err != nil {
		return err
	}
	zv := v.zones[apex]
	if zv.negSOA, err = packBody(&neg); err != nil {
		return err
	}
	hinfo := &mdns.HINFO{Hdr: mdns.RR_Header{Name: z.Origin, Rrtype: mdns.TypeHINFO, Class: mdns.ClassINET, Ttl: neg.Hdr.Ttl}, Cpu: "RFC8482"}
	if zv.hinfo, err = packBody(hinfo); err != nil {
		return err
	}
	static := []mdns.RR{&soa}
	for _, ns := range z.NS {
		static = append(static, ns)
		zv.ns = append(zv.ns, ns.Ns)
	}
	static = append(static, z.Static...)
	return v.addStatic(zv, static, counter)
}

// addStatic adds records that are not weighted: one set each.
func (v *view) addStatic(zv *zoneView, rrs []mdns.RR, counter counterFunc) error {
	for _, rr := range rrs {
		h := rr.Header()
		n, err := v.node(zv, h.Name)
		if err != nil {
			return err
		}
		body, err := packBody(rr)
		if err != nil {
			return err
		}
		rs := n.find(h.Rrtype)
		if rs == nil {
			typ := mdns.TypeToString[h.Rrtype]
			rs = &rrset{rrtype: h.Rrtype, sets: []wset{{id: SeedSetID, answers: counter(h.Name, typ, SeedSetID)}}}
			n.insert(rs)
		}
		if !slices.ContainsFunc(rs.sets[0].records, func(r []byte) bool { return bytes.Equal(r, body) }) {
			rs.sets[0].records = append(rs.sets[0].records, body) // each record once (RFC 2181)
		}
	}
	return nil
}

func (n *node) insert(rs *rrset) {
	i := 0
	for i < len(n.rrsets) && n.rrsets[i].rrtype < rs.rrtype {
		i++
	}
	n.rrsets = append(n.rrsets[:i], append([]*rrset{rs}, n.rrsets[i:]...)...)
}

// node returns the node for name, creating it and every empty ancestor up
// to the apex, so that names with descendants answer NODATA, not NXDOMAIN.
func (v *view) node(zv *zoneView, name string) (*node, error) {
	w, err := wireName(name)
	if err != nil {
		return nil, err
	}
	n, ok := v.names[w]
	if !ok {
		n = &node{zone: zv}
		v.names[w] = n
	}
	for off := 0; len(w)-off > len(zv.apexWire); {
		off += int(w[off]) + 1
		if _, ok := v.names[w[off:]]; !ok {
			v.names[w[off:]] = &node{zone: zv}
		}
	}
	return n, nil
}

// zoneOf returns the most specific zone holding name, or nil.
func (v *view) zoneOf(name string) *zoneView {
	w, err := wireName(name)
	if err != nil {
		return nil
	}
	for off := 0; off < len(w); off += int(w[off]) + 1 {
		if zv, ok := v.zones[w[off:]]; ok {
			return zv
		}
	}
	return nil
}

func (v *view) addRecordSet(zv *zoneView, rs dns.RecordSet, counter counterFunc) error {
	n, err := v.node(zv, rs.Name)
	if err != nil {
		return err
	}
	rrtype := mdns.StringToType[rs.Type]
	out := &rrset{rrtype: rrtype}
	for _, s := range rs.Sets {
		ws, err := compileSet(rs, s)
		if err != nil {
			return err
		}
		out.total += uint32(s.Weight)
		ws.cum = out.total
		ws.answers = counter(rs.Name, rs.Type, s.ID)
		out.sets = append(out.sets, ws)
	}
	if rrtype == mdns.TypeCNAME {
		n.cname = out
		return nil
	}
	if old := n.find(rrtype); old != nil {
		*old = *out // a weighted set replaces a static one of the same type
		return nil
	}
	n.insert(out)
	return nil
}

func compileSet(rs dns.RecordSet, s dns.WeightedSet) (wset, error) {
	ws := wset{id: s.ID}
	for _, val := range s.Values {
		rr, err := toRR(rs, val)
		if err != nil {
			return wset{}, err
		}
		body, err := packBody(rr)
		if err != nil {
			return wset{}, err
		}
		ws.records = append(ws.records, body)
		if c, ok := rr.(*mdns.CNAME); ok {
			if ws.target, err = wireName(c.Target); err != nil {
				return wset{}, err
			}
		}
	}
	return ws, nil
}

// toRR turns one value of rs into a record.
func toRR(rs dns.RecordSet, val string) (mdns.RR, error) {
	h := mdns.RR_Header{Name: rs.Name, Rrtype: mdns.StringToType[rs.Type], Class: mdns.ClassINET, Ttl: rs.TTL}
	if dns.IsAlias(val) {
		// Route 53 answers an alias with its target's addresses, looked up
		// on its side; this server has no resolver, so it answers with a
		// CNAME to the target and the client's resolver looks it up.
		a, err := dns.ParseAlias(val)
		if err != nil {
			return nil, err
		}
		h.Rrtype = mdns.TypeCNAME
		return &mdns.CNAME{Hdr: h, Target: a.DNSName}, nil
	}
	switch rs.Type {
	case dns.TypeA, dns.TypeAAAA:
		a, err := netip.ParseAddr(val)
		if err != nil {
			return nil, fmt.Errorf("parsing address %q: %w", val, err)
		}
		if rs.Type == dns.TypeA {
			return &mdns.A{Hdr: h, A: a.AsSlice()}, nil
		}
		return &mdns.AAAA{Hdr: h, AAAA: a.AsSlice()}, nil
	case dns.TypeCNAME:
		return &mdns.CNAME{Hdr: h, Target: mdns.Fqdn(val)}, nil
	case dns.TypeTXT:
		return &mdns.TXT{Hdr: h, Txt: txtStrings(val)}, nil
	}
	return nil, fmt.Errorf("type %q is not supported", rs.Type)
}
