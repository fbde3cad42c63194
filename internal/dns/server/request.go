package server

import "encoding/binary"

// DNS wire constants used by the hot path.
const (
	headerLen   = 12
	typeOPT     = 41
	typeANY     = 255
	typeAXFR    = 252
	typeIXFR    = 251
	classINET   = 1
	rcodeOK     = 0
	rcodeFormat = 1
	rcodeNX     = 3
	rcodeNotImp = 4
	rcodeRefuse = 5
	rcodeBadVer = 16
	// ednsSize is the UDP size ferry advertises and the most it sends over
	// UDP (DNS flag day 2020): larger datagrams risk IP fragmentation,
	// which is lost or spoofed on many paths.
	ednsSize = 1232
)

// request is what respond needs from a query, parsed without allocating.
type request struct {
	id       uint16
	flags    uint16
	qend     int // offset just after the question's class
	nameEnd  int // offset just after the question's name
	qtype    uint16
	qclass   uint16
	edns     bool
	ednsVer  uint8
	ednsDO   bool
	ednsSize uint16
}

// parseRequest reads the header, the single question and the additional
// section of msg. It returns an rcode: rcodeOK, rcodeFormat when the message
// is malformed, rcodeNotImp for anything but a standard query. ok is false
// when no answer must be sent at all (a response, or too short for a header).
func parseRequest(msg []byte) (req request, rcode int, ok bool) {
	if len(msg) < headerLen {
		return req, 0, false
	}
	req.id = binary.BigEndian.Uint16(msg[0:2])
	req.flags = binary.BigEndian.Uint16(msg[2:4])
	if req.flags&0x8000 != 0 { // QR: never answer an answer
		return req, 0, false
	}
	if (req.flags>>11)&0xF != 0 {
		return req, rcodeNotImp, true
	}
	qd := binary.BigEndian.Uint16(msg[4:6])
	an := binary.BigEndian.Uint16(msg[6:8])
	ns := binary.BigEndian.Uint16(msg[8:10])
	ar := binary.BigEndian.Uint16(msg[10:12])
	if qd != 1 || an != 0 || ns != 0 {
		return req, rcodeFormat, true
	}
	end, ok := nameEnd(msg, headerLen, false)
	if !ok || end+4 > len(msg) {
		return req, rcodeFormat, true
	}
	req.nameEnd = end
	req.qtype = binary.BigEndian.Uint16(msg[end:])
	req.qclass = binary.BigEndian.Uint16(msg[end+2:])
	req.qend = end + 4
	if req.qtype == typeOPT {
		return req, rcodeFormat, true // OPT is a pseudo-record, never a question (RFC 6891)
	}
	if !parseAdditional(msg, req.qend, int(ar), &req) {
		return req, rcodeFormat, true
	}
	return req, rcodeOK, true
}

// nameEnd returns the offset after the name at off. The question's name must
// be uncompressed (compressed is false); other names may end in a pointer.
func nameEnd(msg []byte, off int, compressed bool) (int, bool) {
	total := 0
	for off < len(msg) {
		l := int(msg[off])
		switch {
		case l == 0:
			return off + 1, true
		case l&0xC0 == 0xC0:
			return off + 2, compressed && off+2 <= len(msg)
		case l > 63:
			return 0, false
		}
		total += l + 1
		if total > 254 {
			return 0, false
		}
		off += l + 1
	}
	return 0, false
}

// parseAdditional walks count records from off, noting the EDNS0 OPT record.
func parseAdditional(msg []byte, off, count int, req *request) bool {
	for range count {
		start := off
		end, ok := nameEnd(msg, off, true)
		if !ok || end+10 > len(msg) {
			return false
		}
		typ := binary.BigEndian.Uint16(msg[end:])
		rdlen := int(binary.BigEndian.Uint16(msg[end+8:]))
		off = end + 10 + rdlen
		if off > len(msg) {
			return false
		}
		if typ != typeOPT {
			continue // e.g. TSIG: ferry does not sign, so it answers unsigned
		}
		if req.edns || end != start+1 || msg[start] != 0 {
			return false // a second OPT, or one not owned by the root
		}
		req.edns = true
		req.ednsSize = binary.BigEndian.Uint16(msg[end+2:])
		req.ednsVer = msg[end+5]
		req.ednsDO = msg[end+6]&0x80 != 0
	}
	return off == len(msg)
}

// maxSize is the largest response sent to the client over UDP: what the
// client can take (512 without EDNS), but never more than ferry advertises.
func (req *request) maxSize() int {
	if !req.edns {
		return 512
	}
	return min(max(int(req.ednsSize), 512), ednsSize)
}
