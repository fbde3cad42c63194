package server

import (
	"fmt"

	mdns "github.com/miekg/dns"

	"ferry.dev/ferry/internal/dns"
)

// wireName returns the uncompressed wire form of a fully qualified name
// with ASCII letters lower-cased, as queries are looked up: `esc\065` and
// `esca` are one key, and nothing outside ASCII changes.
func wireName(name string) (string, error) {
	buf := make([]byte, 256)
	n, err := mdns.PackDomainName(mdns.Fqdn(name), buf, 0, nil, false)
	if err != nil {
		return "", fmt.Errorf("packing name %q: %w", name, err)
	}
	for off := 0; off < n && buf[off] != 0; off += int(buf[off]) + 1 {
		for i := off + 1; i <= off+int(buf[off]) && i < n; i++ {
			if c := buf[i]; c >= 'A' && c <= 'Z' {
				buf[i] = c + ('a' - 'A')
			}
		}
	}
	return string(buf[:n]), nil
}

// packBody packs rr without compression and returns everything after its
// owner name: type, class, TTL, data length and data.
func packBody(rr mdns.RR) ([]byte, error) {
	buf := make([]byte, 65535)
	end, err := mdns.PackRR(rr, buf, 0, nil, false)
	if err != nil {
		return nil, fmt.Errorf("packing %s: %w", rr.Header().Name, err)
	}
	owner, err := wireName(rr.Header().Name)
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), buf[len(owner):end]...), nil
}

// fitsMessage reports whether every answer rs can give fits one DNS
// message (65535 bytes over TCP): the header, the question for its name,
// the records of its largest set behind 2-byte owner pointers, and an OPT
// record. It also returns the size of the largest such answer. A set that
// does not fit could only be answered truncated, so it is refused when
// written. Values that do not encode are left to the other checks.
func fitsMessage(rs dns.RecordSet) (int, bool) {
	const optLen = 11
	name, err := wireName(rs.Name)
	if err != nil {
		return 0, true
	}
	largest := 0
	for _, s := range rs.Sets {
		size := headerLen + len(name) + 4 + optLen
		for _, v := range s.Values {
			rr, err := toRR(rs, v)
			if err != nil {
				return 0, true
			}
			body, err := packBody(rr)
			if err != nil {
				return 0, true
			}
			size += 2 + len(body)
		}
		largest = max(largest, size)
	}
	return largest, largest <= 65535
}
