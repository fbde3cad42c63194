package server_test

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	mdns "github.com/miekg/dns"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/server"
	"ferry.dev/ferry/internal/dns/server/servertest"
	"ferry.dev/ferry/internal/dns/server/store"
)

// startZone serves one zone file body (after a standard head) for
// data.test.
func startZone(t *testing.T, body string) *server.Server {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data.test.zone")
	head := "$ORIGIN data.test.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 600 604800 60\n@ IN NS ns1\n"
	if err := os.WriteFile(path, []byte(head+body), 0o600); err != nil {
		t.Fatal(err)
	}
	z, err := server.LoadZoneFile(path, "")
	if err != nil {
		t.Fatal(err)
	}
	return servertest.Run(t, server.Config{Zones: []server.Zone{z}})
}

// txtStrings returns the character-strings of every TXT record answered.
func txtStrings(r *mdns.Msg) [][]string {
	out := [][]string{}
	for _, rr := range r.Answer {
		if txt, ok := rr.(*mdns.TXT); ok {
			out = append(out, txt.Txt)
		}
	}
	return out
}

// TestDataIsServedAsWritten: TXT string boundaries, duplicate records and
// CNAME loops, each through the zone file or the admin API and then real
// UDP and TCP queries.
func TestDataIsServedAsWritten(t *testing.T) {
	srv := startZone(t, `multi IN TXT "part one" "part two"
dup IN A 192.0.2.1
dup IN A 192.0.2.1
dup IN MX 10 mail
dup IN MX 10 mail
`)
	long := strings.Repeat("a", 254) + `\066\067` // 256 bytes: the cut falls after the B
	for _, v := range []struct{ name, body string }{
		{"quoted.data.test.", oneSet(30, `"v=spf1 a" "-all"`)},
		{"long.data.test.", oneSet(30, long)},
		{"twice.data.test.", `{"ttl":30,"sets":[{"id":"a","weight":1,"values":["192.0.2.7","192.0.2.7"]}]}`},
		{"loop-a.data.test.", oneSet(30, "loop-b.data.test.")},
		{"loop-b.data.test.", oneSet(30, "loop-a.data.test.")},
	} {
		typ := map[bool]string{true: "TXT", false: "A"}[strings.HasPrefix(v.name, "quoted") || strings.HasPrefix(v.name, "long")]
		if strings.HasPrefix(v.name, "loop") {
			typ = "CNAME"
		}
		if code, b := put(t, srv, v.name, typ, v.body); code != 200 {
			t.Fatalf("PUT %s: %d %s", v.name, code, b)
		}
	}
	cases := []struct {
		name  string
		qname string
		qtype uint16
		txt   [][]string
		count int
	}{
		{name: "zone file TXT keeps its strings", qname: "multi.data.test.", qtype: mdns.TypeTXT, txt: [][]string{{"part one", "part two"}}, count: 1},
		{name: "API quoted TXT keeps its strings", qname: "quoted.data.test.", qtype: mdns.TypeTXT, txt: [][]string{{"v=spf1 a", "-all"}}, count: 1},
		{name: "long TXT cut at 255 bytes, after the escape", qname: "long.data.test.", qtype: mdns.TypeTXT,
			txt: [][]string{{strings.Repeat("a", 254) + "B", "C"}}, count: 1},
		{name: "zone file duplicate A once", qname: "dup.data.test.", qtype: mdns.TypeA, count: 1},
		{name: "zone file duplicate MX once", qname: "dup.data.test.", qtype: mdns.TypeMX, count: 1},
		{name: "API duplicate value once", qname: "twice.data.test.", qtype: mdns.TypeA, count: 1},
		{name: "CNAME loop gives each CNAME once", qname: "loop-a.data.test.", qtype: mdns.TypeA, count: 2},
	}
	for _, network := range []string{"udp", "tcp"} {
		for _, tc := range cases {
			t.Run(network+"/"+tc.name, func(t *testing.T) {
				r := query(t, network, srv.DNSAddr(), tc.qname, tc.qtype, true)
				if len(r.Answer) != tc.count {
					t.Errorf("%d answers, want %d: %v", len(r.Answer), tc.count, r.Answer)
				}
				if tc.txt != nil {
					if diff := cmp.Diff(tc.txt, txtStrings(r)); diff != "" {
						t.Errorf("TXT strings (-want +got):\n%s", diff)
					}
				}
			})
		}
	}
}

// TestWritesThatCannotBeServedAsWrittenAreRefused: a set whose answer
// cannot fit one DNS message, a zone-scoped IPv6 address and malformed
// quoted TXT are refused by the admin API, naming the field, with nothing
// changed.
func TestWritesThatCannotBeServedAsWrittenAreRefused(t *testing.T) {
	srv := startServer(t, t.TempDir())
	var huge []string
	for i := range 300 {
		huge = append(huge, fmt.Sprintf("%03d%s", i, strings.Repeat("x", 240)))
	}
	b, _ := json.Marshal(huge)
	cases := []struct {
		name, rname, typ, body, want string
	}{
		{"answer over 64 KiB", "huge.example.test.", "TXT", fmt.Sprintf(`{"ttl":30,"sets":[{"id":"a","weight":1,"values":%s}]}`, b), "65535"},
		{"zone-scoped IPv6", "v6z.example.test.", "AAAA", oneSet(30, "fe80::1%eth0"), "sets[0].values[0]"},
		{"quoted TXT without its closing quote", "q.example.test.", "TXT", oneSet(30, `"open`), "no closing quote"},
		{"quoted TXT string over 255 bytes", "q.example.test.", "TXT", oneSet(30, `"`+strings.Repeat("y", 256)+`"`), "more than the 255"},
		{"text after quoted strings", "q.example.test.", "TXT", oneSet(30, `"a" b`), "outside quotes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rev := srv.Revision()
			code, body := put(t, srv, tc.rname, tc.typ, tc.body)
			if code != 400 || !strings.Contains(body, tc.want) {
				t.Errorf("%d %s, want 400 saying %q", code, body, tc.want)
			}
			if srv.Revision() != rev {
				t.Errorf("revision moved from %d to %d on a refused write", rev, srv.Revision())
			}
			r := query(t, "tcp", srv.DNSAddr(), tc.rname, mdns.TypeA, false)
			if r.Rcode != mdns.RcodeNameError {
				t.Errorf("%s answers %s after a refused write", tc.rname, mdns.RcodeToString[r.Rcode])
			}
		})
	}
}

// TestAnyGetsAMinimalAnswer: RFC 8482, over UDP and TCP and through dig.
func TestAnyGetsAMinimalAnswer(t *testing.T) {
	srv := startServer(t, t.TempDir())
	for _, network := range []string{"udp", "tcp"} {
		r := query(t, network, srv.DNSAddr(), "example.test.", mdns.TypeANY, true)
		want := rrs(t, `example.test. 60 IN HINFO "RFC8482" ""`)
		if diff := cmp.Diff(want, strs(r.Answer)); diff != "" || !r.Authoritative {
			t.Errorf("%s ANY (AA=%v) (-want +got):\n%s", network, r.Authoritative, diff)
		}
	}
	host, port, err := net.SplitHostPort(srv.DNSAddr())
	if err != nil {
		t.Fatal(err)
	}
	for _, prog := range []string{"dig", "kdig"} {
		a := runClient(t, needProgram(t, prog), []string{"@" + host, "-p", port, "+norec", "www.example.test.", "ANY"})
		if len(a.Answer) != 1 || !strings.Contains(a.Answer[0], "rfc8482") {
			t.Errorf("%s ANY: %v, want one HINFO RFC8482", prog, a.Answer)
		}
	}
}

// TestTXTStoredBeforeParsingStillServes: a value stored before TXT values
// were parsed, which does not parse now (an unclosed quote, a lone
// trailing backslash), is served as it was, and the server starts.
func TestTXTStoredBeforeParsingStillServes(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	old := dns.RecordSet{Name: "old.example.test.", Type: "TXT", TTL: 30, Sets: []dns.WeightedSet{{ID: "a", Weight: 1, Values: []string{`"unclosed`, `trailing\`}}}}
	if _, err := st.Apply(t.Context(), nil, store.Op{Put: &old}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	srv := servertest.Run(t, server.Config{Zones: []server.Zone{server.DefaultZone("example.test")}, DataDir: dir})
	if r := query(t, "tcp", srv.DNSAddr(), "old.example.test.", mdns.TypeTXT, false); len(r.Answer) != 2 {
		t.Errorf("old TXT values: %v, want both served", r.Answer)
	}
}
