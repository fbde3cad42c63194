package server_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	mdns "github.com/miekg/dns"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/server"
	"ferry.dev/ferry/internal/dns/server/servertest"
)

const testToken = servertest.Token

// startServer runs a server for example.test. (from testdata) and
// other.test. (generated) on loopback with its admin API.
func startServer(t *testing.T, dir string) *server.Server {
	t.Helper()
	zf, err := server.LoadZoneFile("testdata/example.test.zone", "")
	if err != nil {
		t.Fatal(err)
	}
	return servertest.Run(t, server.Config{Zones: []server.Zone{zf, server.DefaultZone("other.test")}, DataDir: dir})
}

// query sends one question over net ("udp" or "tcp").
func query(t *testing.T, network, addr, name string, qtype uint16, edns bool) *mdns.Msg {
	t.Helper()
	m := new(mdns.Msg)
	m.SetQuestion(name, qtype)
	m.RecursionDesired = false
	if edns {
		m.SetEdns0(1232, false)
	}
	c := &mdns.Client{Net: network, Timeout: 5 * time.Second, UDPSize: 65535}
	r, _, err := c.Exchange(m, addr)
	if err != nil {
		t.Fatalf("querying %s %s over %s: %v", name, mdns.TypeToString[qtype], network, err)
	}
	return r
}

// rrs parses records written in zone file syntax, like CoreDNS's test.A.
func rrs(t *testing.T, lines ...string) []string {
	t.Helper()
	out := []string{}
	for _, l := range lines {
		rr, err := mdns.NewRR(l)
		if err != nil {
			t.Fatalf("bad expected record %q: %v", l, err)
		}
		out = append(out, rr.String())
	}
	return out
}

func strs(rr []mdns.RR) []string {
	out := []string{}
	for _, r := range rr {
		if r.Header().Rrtype == mdns.TypeOPT {
			continue
		}
		out = append(out, r.String())
	}
	return out
}

func set(t *testing.T, srv *server.Server, rs dns.RecordSet) {
	t.Helper()
	if err := srv.Replace(t.Context(), rs, dns.Always()); err != nil {
		t.Fatalf("replacing %s %s: %v", rs.Name, rs.Type, err)
	}
}

// bigTXT is a record set too large for any UDP answer.
func bigTXT() dns.RecordSet {
	var vals []string
	for i := range 30 {
		// Distinct values: a set holds each record once (RFC 2181).
		vals = append(vals, fmt.Sprintf("%02d", i)+strings.Repeat(string(rune('a'+i%26)), 248))
	}
	return dns.RecordSet{Name: "big.example.test.", Type: "TXT", TTL: 60, Sets: []dns.WeightedSet{{ID: "all", Values: vals}}}
}
