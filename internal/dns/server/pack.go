package server

import (
	"fmt"

	mdns "github.com/miekg/dns"
)

// wireName returns the uncompressed wire form of a fully qualified name.
func wireName(name string) (string, error) {
	buf := make([]byte, 256)
	n, err := mdns.PackDomainName(mdns.Fqdn(name), buf, 0, nil, false)
	if err != nil {
		return "", fmt.Errorf("packing name %q: %w", name, err)
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
