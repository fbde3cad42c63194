package server_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	mdns "github.com/miekg/dns"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/server"
	"ferry.dev/ferry/internal/dns/server/servertest"
)

// queryCase is one question and the whole answer expected for it.
type queryCase struct {
	name   string
	qname  string
	qtype  uint16
	rcode  int
	aa     bool
	answer []string
	ns     []string
}

// addAPIRecords adds the weighted sets the query cases rely on.
func addAPIRecords(t *testing.T, srv *server.Server) {
	one := func(name, typ string, vals ...string) dns.RecordSet {
		return dns.RecordSet{Name: name, Type: typ, TTL: 30, Sets: []dns.WeightedSet{{ID: "only", Weight: 100, Values: vals}}}
	}
	set(t, srv, dns.RecordSet{Name: "api.example.test.", Type: "A", TTL: 30, Sets: []dns.WeightedSet{
		{ID: "legacy", Weight: 0, Values: []string{"127.0.0.9"}},
		{ID: "cluster", Weight: 100, Values: []string{"127.0.0.2"}},
	}})
	set(t, srv, one("lb.other.test.", "CNAME", "www.example.test."))
	set(t, srv, one("dangling.example.test.", "CNAME", "nothing.example.test."))
	set(t, srv, one("api.example.test.", "AAAA", "::1"))
	set(t, srv, bigTXT())
	set(t, srv, one("r53alias.example.test.", "A", "alias:Z35SXDOTRQ7X7K:legacy-lb.elb.test."))
}

// queryCases are the behaviours of an authoritative server, checked record
// by record. serial is the current SOA serial of example.test.
func queryCases(t *testing.T, rev uint64) []queryCase {
	soa := func(ttl int, zone string, base uint64) string {
		return fmt.Sprintf("%s %d IN SOA ns1.%s hostmaster.%s %d 3600 600 604800 60", zone, ttl, zone, zone, base+rev)
	}
	neg := rrs(t, soa(60, "example.test.", 2026010100))
	www := []string{"www.example.test. 300 IN A 192.0.2.10", "www.example.test. 300 IN A 192.0.2.11"}
	return []queryCase{
		{name: "A with two records", qname: "www.example.test.", qtype: mdns.TypeA, aa: true, answer: rrs(t, www...)},
		{name: "names are case-insensitive, the question's case is kept", qname: "WwW.ExAmple.TEST.", qtype: mdns.TypeA, aa: true,
			answer: rrs(t, "WwW.ExAmple.TEST. 300 IN A 192.0.2.10", "WwW.ExAmple.TEST. 300 IN A 192.0.2.11")},
		{name: "AAAA", qname: "v6.example.test.", qtype: mdns.TypeAAAA, aa: true, answer: rrs(t, "v6.example.test. 300 IN AAAA 2001:db8::1")},
		{name: "CNAME inside the zone is followed", qname: "alias.example.test.", qtype: mdns.TypeA, aa: true,
			answer: rrs(t, append([]string{"alias.example.test. 300 IN CNAME www.example.test."}, www...)...)},
		{name: "CNAME asked for itself", qname: "alias.example.test.", qtype: mdns.TypeCNAME, aa: true,
			answer: rrs(t, "alias.example.test. 300 IN CNAME www.example.test.")},
		{name: "CNAME out of the zones is left to the resolver", qname: "ext.example.test.", qtype: mdns.TypeA, aa: true,
			answer: rrs(t, "ext.example.test. 300 IN CNAME legacy-lb.elb.test.")},
		{name: "CNAME into another of our zones", qname: "lb.other.test.", qtype: mdns.TypeA, aa: true,
			answer: rrs(t, append([]string{"lb.other.test. 30 IN CNAME www.example.test."}, www...)...)},
		{name: "CNAME to a missing name is NXDOMAIN", qname: "dangling.example.test.", qtype: mdns.TypeA, aa: true, rcode: mdns.RcodeNameError,
			answer: rrs(t, "dangling.example.test. 30 IN CNAME nothing.example.test."), ns: neg},
		{name: "TXT at the apex", qname: "example.test.", qtype: mdns.TypeTXT, aa: true, answer: rrs(t, `example.test. 300 IN TXT "v=spf1 -all"`)},
		{name: "SOA at the apex", qname: "example.test.", qtype: mdns.TypeSOA, aa: true, answer: rrs(t, soa(300, "example.test.", 2026010100))},
		{name: "NS at the apex", qname: "example.test.", qtype: mdns.TypeNS, aa: true, answer: rrs(t, "example.test. 300 IN NS ns1.example.test.")},
		{name: "other types from the zone file", qname: "example.test.", qtype: mdns.TypeMX, aa: true, answer: rrs(t, "example.test. 300 IN MX 10 mail.example.test.")},
		{name: "generated SOA of a zone without a file", qname: "other.test.", qtype: mdns.TypeSOA, aa: true,
			answer: rrs(t, soa(3600, "other.test.", 1))},
		{name: "weighted set with one live set", qname: "api.example.test.", qtype: mdns.TypeA, aa: true, answer: rrs(t, "api.example.test. 30 IN A 127.0.0.2")},
		{name: "a Route 53 alias is answered as a CNAME to its target", qname: "r53alias.example.test.", qtype: mdns.TypeA, aa: true,
			answer: rrs(t, "r53alias.example.test. 30 IN CNAME legacy-lb.elb.test.")},
		{name: "NXDOMAIN carries the SOA", qname: "nope.example.test.", qtype: mdns.TypeA, aa: true, rcode: mdns.RcodeNameError, ns: neg},
		{name: "NODATA carries the SOA", qname: "www.example.test.", qtype: mdns.TypeAAAA, aa: true, answer: []string{}, ns: neg},
		{name: "empty non-terminal is NODATA, not NXDOMAIN", qname: "sub.example.test.", qtype: mdns.TypeA, aa: true, ns: neg},
		{name: "SOA below the apex is NODATA", qname: "www.example.test.", qtype: mdns.TypeSOA, aa: true, ns: neg},
		{name: "below an existing name is NXDOMAIN", qname: "x.www.example.test.", qtype: mdns.TypeA, aa: true, rcode: mdns.RcodeNameError, ns: neg},
		{name: "outside every zone is REFUSED", qname: "example.org.", qtype: mdns.TypeA, rcode: mdns.RcodeRefused},
		{name: "parent of a zone is REFUSED", qname: "test.", qtype: mdns.TypeSOA, rcode: mdns.RcodeRefused},
	}
}

func TestQueries(t *testing.T) {
	srv := startServer(t, t.TempDir())
	addAPIRecords(t, srv)
	cases := queryCases(t, srv.Revision())
	for _, network := range []string{"udp", "tcp"} {
		for _, edns := range []bool{false, true} {
			for _, tc := range cases {
				t.Run(fmt.Sprintf("%s/edns=%v/%s", network, edns, tc.name), func(t *testing.T) {
					r := query(t, network, srv.DNSAddr(), tc.qname, tc.qtype, edns)
					checkAnswer(t, r, tc)
					if got := r.IsEdns0() != nil; got != edns {
						t.Errorf("OPT record in the answer = %v, want %v", got, edns)
					}
				})
			}
		}
	}
}

func checkAnswer(t *testing.T, r *mdns.Msg, tc queryCase) {
	t.Helper()
	if r.Rcode != tc.rcode {
		t.Errorf("rcode = %s, want %s", mdns.RcodeToString[r.Rcode], mdns.RcodeToString[tc.rcode])
	}
	if r.Authoritative != tc.aa {
		t.Errorf("AA = %v, want %v", r.Authoritative, tc.aa)
	}
	if r.Truncated {
		t.Errorf("TC set on a small answer")
	}
	if diff := cmp.Diff(nonNil(tc.answer), strs(r.Answer)); diff != "" {
		t.Errorf("answer section (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(nonNil(tc.ns), strs(r.Ns)); diff != "" {
		t.Errorf("authority section (-want +got):\n%s", diff)
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func TestTruncationFallsBackToTCP(t *testing.T) {
	srv := startServer(t, t.TempDir())
	set(t, srv, bigTXT())
	for _, edns := range []bool{false, true} {
		r := query(t, "udp", srv.DNSAddr(), "big.example.test.", mdns.TypeTXT, edns)
		if !r.Truncated || len(r.Answer) != 0 {
			t.Errorf("UDP edns=%v: TC=%v with %d answers, want TC and none", edns, r.Truncated, len(r.Answer))
		}
		r = query(t, "tcp", srv.DNSAddr(), "big.example.test.", mdns.TypeTXT, edns)
		if r.Truncated || len(r.Answer) != 30 {
			t.Errorf("TCP edns=%v: TC=%v with %d answers, want all 30", edns, r.Truncated, len(r.Answer))
		}
	}
	// 4 values of 250 bytes need more than 512 bytes but fit in 1232 (EDNS).
	rs := bigTXT()
	rs.Sets[0].Values = rs.Sets[0].Values[:4]
	set(t, srv, rs)
	if r := query(t, "udp", srv.DNSAddr(), "big.example.test.", mdns.TypeTXT, false); !r.Truncated {
		t.Errorf("UDP without EDNS: a %d-byte answer was not truncated", r.Len())
	}
	if r := query(t, "udp", srv.DNSAddr(), "big.example.test.", mdns.TypeTXT, true); r.Truncated || len(r.Answer) != 4 {
		t.Errorf("UDP with EDNS: TC=%v with %d answers, want 4", r.Truncated, len(r.Answer))
	}
}

// TestUDPAnswersStayWithinTheAdvertisedSize: ferry advertises a UDP size
// of 1232 (DNS flag day 2020), so a client offering more must still get at
// most 1232 bytes over UDP, with TC set beyond, and the rest over TCP.
func TestUDPAnswersStayWithinTheAdvertisedSize(t *testing.T) {
	srv := startServer(t, t.TempDir())
	rs := bigTXT()
	rs.Sets[0].Values = rs.Sets[0].Values[:8] // about 2,100 bytes
	set(t, srv, rs)
	small := bigTXT()
	small.Name, small.Sets[0].Values = "small.example.test.", small.Sets[0].Values[:4] // about 1,100 bytes
	set(t, srv, small)
	cases := []struct {
		name      string
		qname     string
		size      uint16
		truncated bool
	}{
		{name: "client offers 4096, answer above 1232", qname: rs.Name, size: 4096, truncated: true},
		{name: "client offers 65535, answer above 1232", qname: rs.Name, size: 65535, truncated: true},
		{name: "client offers 4096, answer below 1232", qname: small.Name, size: 4096},
		{name: "client offers 1232, answer below 1232", qname: small.Name, size: 1232},
		{name: "client offers 1024, answer above it", qname: small.Name, size: 1024, truncated: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := new(mdns.Msg)
			m.SetQuestion(tc.qname, mdns.TypeTXT)
			m.SetEdns0(tc.size, false)
			c := &mdns.Client{Net: "udp", Timeout: 5 * time.Second, UDPSize: 65535}
			r, _, err := c.Exchange(m, srv.DNSAddr())
			if err != nil {
				t.Fatal(err)
			}
			if r.Truncated != tc.truncated || r.Len() > min(int(tc.size), 1232) {
				t.Errorf("TC=%v with a %d-byte answer, want TC=%v and at most %d bytes", r.Truncated, r.Len(), tc.truncated, min(int(tc.size), 1232))
			}
			if tc.truncated && len(r.Answer) != 0 {
				t.Errorf("a truncated answer carries %d records", len(r.Answer))
			}
			if !tc.truncated && len(r.Answer) != 4 {
				t.Errorf("%d records, want 4", len(r.Answer))
			}
		})
	}
	if r := query(t, "tcp", srv.DNSAddr(), rs.Name, mdns.TypeTXT, true); r.Truncated || len(r.Answer) != 8 {
		t.Errorf("TCP: TC=%v with %d answers, want all 8", r.Truncated, len(r.Answer))
	}
}

func TestEDNSVersionAndOpcode(t *testing.T) {
	srv := startServer(t, t.TempDir())
	m := new(mdns.Msg)
	m.SetQuestion("www.example.test.", mdns.TypeA)
	m.SetEdns0(1232, true)
	m.IsEdns0().SetVersion(1)
	r, err := mdns.Exchange(m, srv.DNSAddr())
	if err != nil {
		t.Fatal(err)
	}
	if r.Rcode != mdns.RcodeBadVers || len(r.Answer) != 0 {
		t.Errorf("EDNS version 1: rcode %s with %d answers, want BADVERS and none", mdns.RcodeToString[r.Rcode], len(r.Answer))
	}
	if opt := r.IsEdns0(); opt == nil || !opt.Do() {
		t.Errorf("the DO bit was not copied into the OPT record: %v", opt)
	}
	m = new(mdns.Msg)
	m.SetNotify("example.test.")
	if r, err = mdns.Exchange(m, srv.DNSAddr()); err != nil {
		t.Fatal(err)
	}
	if r.Rcode != mdns.RcodeNotImplemented {
		t.Errorf("NOTIFY: rcode %s, want NOTIMP", mdns.RcodeToString[r.Rcode])
	}
}

func TestSerialGrowsOnEveryChange(t *testing.T) {
	srv := startServer(t, t.TempDir())
	serial := func() uint32 {
		r := query(t, "udp", srv.DNSAddr(), "example.test.", mdns.TypeSOA, false)
		return r.Answer[0].(*mdns.SOA).Serial
	}
	last := serial()
	rs := dns.RecordSet{Name: "api.example.test.", Type: "A", TTL: 30, Sets: []dns.WeightedSet{{ID: "a", Weight: 1, Values: []string{"127.0.0.1"}}}}
	changes := []func() error{
		func() error { return srv.Replace(t.Context(), rs, dns.Always()) },
		func() error { rs.Sets[0].Weight = 2; return srv.Replace(t.Context(), rs, dns.Always()) },
		func() error { return srv.Delete(t.Context(), rs.Name, rs.Type, dns.Always()) },
	}
	for i, change := range changes {
		if err := change(); err != nil {
			t.Fatal(err)
		}
		if now := serial(); now <= last {
			t.Errorf("change %d: serial %d did not grow past %d", i, now, last)
		} else {
			last = now
		}
	}
}

func TestZoneTransfersAndOPTQuestionsAreRefused(t *testing.T) {
	srv := startServer(t, t.TempDir())
	cases := []struct {
		name  string
		qtype uint16
		rcode int
	}{
		{name: "AXFR", qtype: mdns.TypeAXFR, rcode: mdns.RcodeRefused},
		{name: "IXFR", qtype: mdns.TypeIXFR, rcode: mdns.RcodeRefused},
		{name: "OPT as a question", qtype: mdns.TypeOPT, rcode: mdns.RcodeFormatError},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := query(t, "tcp", srv.DNSAddr(), "example.test.", tc.qtype, false)
			if r.Rcode != tc.rcode || len(r.Answer) != 0 {
				t.Errorf("rcode %s with %d answers, want %s and none", mdns.RcodeToString[r.Rcode], len(r.Answer), mdns.RcodeToString[tc.rcode])
			}
		})
	}
}

func TestCloseEndsIdleTCPConnections(t *testing.T) {
	srv := servertest.Run(t, server.Config{Zones: []server.Zone{server.DefaultZone("example.test")}, TCPIdleTimeout: time.Hour})
	conn, err := mdns.Dial("tcp", srv.DNSAddr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	m := new(mdns.Msg)
	m.SetQuestion("example.test.", mdns.TypeSOA)
	if err := conn.WriteMsg(m); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ReadMsg(); err != nil {
		t.Fatal(err)
	}
	closed := make(chan error, 1)
	go func() { closed <- srv.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute): // a safety net: the idle timeout is an hour
		t.Fatal("Close is waiting for an idle TCP connection")
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := conn.ReadMsg(); err == nil {
		t.Error("the connection still answers after Close")
	}
}

func TestNestedZones(t *testing.T) {
	parent, err := server.ParseZone(strings.NewReader(`$ORIGIN example.test.
@ 300 IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 604800 60
@ 300 IN NS ns1.example.test.
mx.deep.sub 300 IN MX 10 mail.example.test.
`), "parent.zone", "")
	if err != nil {
		t.Fatal(err)
	}
	srv := servertest.Run(t, server.Config{Zones: []server.Zone{parent, server.DefaultZone("sub.example.test")}})
	r := query(t, "udp", srv.DNSAddr(), "sub.example.test.", mdns.TypeSOA, false)
	if r.Rcode != mdns.RcodeSuccess || len(r.Answer) != 1 || r.Answer[0].(*mdns.SOA).Ns != "ns1.sub.example.test." {
		t.Errorf("the child zone's apex answered %v", r)
	}
}
