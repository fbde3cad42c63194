package server

import (
	"encoding/binary"

	mdns "github.com/miekg/dns"
)

// maxChase bounds how many CNAMEs inside ferry's zones one answer follows.
const maxChase = 8

// Header flag bits.
const (
	flagQR = 0x8000
	flagAA = 0x0400
	flagTC = 0x0200
	flagRD = 0x0100
	flagCD = 0x0010
)

// respond answers the query msg, appending the response to dst[:0]. It
// returns nil when nothing must be sent. tcp lifts the UDP size limit.
// respond never blocks and never panics on malformed input (fuzzed).
func (v *view) respond(dst, msg []byte, tcp bool, m *counters) []byte {
	req, rcode, ok := parseRequest(msg)
	if !ok {
		m.dropped.Add(1)
		return nil
	}
	if rcode != rcodeOK {
		m.count(0, rcode)
		return headerOnly(dst, req, rcode)
	}
	dst = append(dst[:0], msg[:req.qend]...)
	var b builder
	b.qtype = req.qtype
	switch {
	case req.edns && req.ednsVer != 0:
		b.rcode = rcodeBadVer
	case req.qclass != classINET, req.qtype == typeAXFR, req.qtype == typeIXFR:
		b.rcode = rcodeRefuse // other classes are not ours; transfers are not offered
	default:
		dst = v.lookup(dst, msg[headerLen:req.nameEnd], &b)
	}
	limit := 65535
	if !tcp {
		limit = req.maxSize()
	}
	m.count(req.qtype, b.rcode)
	return b.finish(dst, &req, limit)
}

// builder tracks the sections of a response while it is written.
type builder struct {
	qtype    uint16
	rcode    int
	aa       bool
	an, ns   uint16
	ar       uint16   // glue; the OPT record is counted in finish
	answered [8]*wset // counted once the response is known to fit
	nAnswer  int
}

// lookup writes the answer for the question name qname (wire form, as sent).
func (v *view) lookup(dst []byte, qname []byte, b *builder) []byte {
	var lname [255]byte
	n := copy(lname[:], qname)
	for i := range n {
		if c := lname[i]; c >= 'A' && c <= 'Z' {
			lname[i] = c + ('a' - 'A')
		}
	}
	var zv *zoneView
	for off := 0; off < n && zv == nil; off += int(lname[off]) + 1 {
		zv = v.zones[string(lname[off:n])]
	}
	if zv == nil {
		b.rcode = rcodeRefuse
		return dst
	}
	b.aa = true
	return v.resolve(dst, string(lname[:n]), headerLen, zv, b)
}

// resolve answers for name, whose uncompressed wire form is already in dst
// at ownerOff, following CNAMEs that stay inside ferry's zones.
func (v *view) resolve(dst []byte, name string, ownerOff int, zv *zoneView, b *builder) []byte {
	var seen [maxChase]string
	for i := range maxChase {
		for _, prev := range seen[:i] {
			if prev == name {
				return dst // a loop: its records are all in the answer once
			}
		}
		seen[i] = name
		n := v.names[name]
		if n == nil || n.zone != zv {
			b.rcode = rcodeNX
			return b.negative(dst, zv, ownerOff+len(name)-len(zv.apexWire))
		}
		if n.cname != nil && b.qtype != mdns.TypeCNAME {
			s := n.cname.pick()
			dst = b.appendSet(dst, s, ownerOff)
			if b.qtype == typeANY || len(dst) > 0x3FFF {
				return dst
			}
			tz := v.zoneOfWire(s.target)
			if tz == nil {
				return dst // the target is someone else's: the resolver follows it
			}
			name, ownerOff, zv = s.target, len(dst)-len(s.target), tz
			continue
		}
		return v.answerNode(dst, n, ownerOff, len(name), b)
	}
	return dst
}

// answerNode writes the records of n for the question type, or the SOA
// when n has none of that type (NODATA).
func (v *view) answerNode(dst []byte, n *node, ownerOff, nameLen int, b *builder) []byte {
	switch {
	case b.qtype == mdns.TypeCNAME && n.cname != nil:
		return b.appendSet(dst, n.cname.pick(), ownerOff)
	case b.qtype == typeANY && len(n.rrsets) > 0:
		// RFC 8482: one synthesised HINFO instead of every record.
		b.an++
		dst = append(dst, 0xC0|byte(ownerOff>>8), byte(ownerOff))
		return append(dst, n.zone.hinfo...)
	}
	if rs := n.find(b.qtype); rs != nil {
		dst = b.appendSet(dst, rs.pick(), ownerOff)
		if b.qtype == mdns.TypeNS && n.zone.glueCount > 0 && nameLen == len(n.zone.apexWire) {
			// The addresses of the zone's own name servers (RFC 9471).
			b.ar += n.zone.glueCount
			dst = append(dst, n.zone.glue...)
		}
		return dst
	}
	return b.negative(dst, n.zone, ownerOff+nameLen-len(n.zone.apexWire))
}

func (v *view) zoneOfWire(w string) *zoneView {
	for off := 0; off < len(w); off += int(w[off]) + 1 {
		if zv, ok := v.zones[w[off:]]; ok {
			return zv
		}
	}
	return nil
}

// appendSet writes every record of s with its owner pointing at ownerOff.
func (b *builder) appendSet(dst []byte, s *wset, ownerOff int) []byte {
	for _, rec := range s.records {
		dst = append(dst, 0xC0|byte(ownerOff>>8), byte(ownerOff))
		dst = append(dst, rec...)
		b.an++
	}
	if b.nAnswer < len(b.answered) {
		b.answered[b.nAnswer] = s
		b.nAnswer++
	}
	return dst
}

// negative writes the zone's SOA into the authority section.
func (b *builder) negative(dst []byte, zv *zoneView, apexOff int) []byte {
	dst = append(dst, 0xC0|byte(apexOff>>8), byte(apexOff))
	b.ns++
	return append(dst, zv.negSOA...)
}

// finish writes the header counts and the OPT record, truncating to the
// question when the response does not fit in limit bytes.
func (b *builder) finish(dst []byte, req *request, limit int) []byte {
	optLen := 0
	if req.edns {
		optLen = 11
	}
	flags := flagQR | req.flags&(flagRD|flagCD) | uint16(b.rcode&0xF)
	if b.aa {
		flags |= flagAA
	}
	if len(dst)+optLen > limit {
		dst = dst[:req.qend]
		b.an, b.ns, b.ar = 0, 0, 0
		flags |= flagTC
	} else {
		for _, s := range b.answered[:b.nAnswer] {
			s.answers.Add(1)
		}
	}
	binary.BigEndian.PutUint16(dst[2:], flags)
	binary.BigEndian.PutUint16(dst[4:], 1)
	binary.BigEndian.PutUint16(dst[6:], b.an)
	binary.BigEndian.PutUint16(dst[8:], b.ns)
	binary.BigEndian.PutUint16(dst[10:], b.ar)
	if req.edns {
		binary.BigEndian.PutUint16(dst[10:], b.ar+1)
		var do byte
		if req.ednsDO {
			do = 0x80
		}
		dst = append(dst, 0, 0, typeOPT, ednsSize>>8, ednsSize&0xFF, byte(b.rcode>>4), 0, do, 0, 0, 0)
	}
	return dst
}

// headerOnly is the answer to a query that cannot be parsed or served: the
// request's id and opcode with an error rcode and no sections.
func headerOnly(dst []byte, req request, rcode int) []byte {
	dst = append(dst[:0], make([]byte, headerLen)...)
	binary.BigEndian.PutUint16(dst[0:], req.id)
	flags := flagQR | req.flags&(0x7800|flagRD) | uint16(rcode&0xF)
	binary.BigEndian.PutUint16(dst[2:], flags)
	return dst
}
