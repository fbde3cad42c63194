package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	mdns "github.com/miekg/dns"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/server"
	"ferry.dev/ferry/internal/dns/server/servertest"
	"ferry.dev/ferry/internal/dns/server/store"
)

// put sends a record set as JSON through the real admin API.
func put(t *testing.T, srv *server.Server, name, typ, body string) (int, string) {
	t.Helper()
	return do(t, srv, http.MethodPut, "/v1/records/"+url.PathEscape(name)+"/"+typ, body)
}

func oneSet(ttl int, values ...string) string {
	b, _ := json.Marshal(values)
	return fmt.Sprintf(`{"ttl":%d,"sets":[{"id":"a","weight":1,"values":%s}]}`, ttl, b)
}

// TestNamesAreWireForms: two spellings of one wire name are one key, only
// ASCII is case-folded, IDN labels become punycode or are refused, and
// control characters are refused naming the field; each through the admin
// API and answered (or not) over real UDP.
func TestNamesAreWireForms(t *testing.T) {
	srv := startServer(t, t.TempDir())
	addr := srv.DNSAddr()
	if code, b := put(t, srv, `sp\032ace.example.test.`, "A", oneSet(30, "192.0.2.1")); code != 200 {
		t.Fatalf("PUT sp\\032ace: %d %s", code, b)
	}
	if code, b := do(t, srv, "GET", "/v1/records/"+url.PathEscape("sp ace.example.test.")+"/A", ""); code != 200 {
		t.Errorf(`GET "sp ace" after PUT sp\032ace: %d %s`, code, b)
	}
	r := query(t, "udp", addr, `sp\032ace.example.test.`, mdns.TypeA, false)
	if len(r.Answer) != 1 {
		t.Errorf(`sp\032ace A: %d answers, want 1`, len(r.Answer))
	}
	// esc\065 is escA is esca: a CNAME cannot sit beside A through a spelling.
	if code, b := put(t, srv, `esc\065.example.test.`, "A", oneSet(30, "192.0.2.2")); code != 200 {
		t.Fatalf("PUT esc\\065: %d %s", code, b)
	}
	if code, b := put(t, srv, "esca.example.test.", "CNAME", oneSet(30, "www.example.test.")); code != 400 || !strings.Contains(b, "CNAME cannot sit beside A") {
		t.Errorf("CNAME at esca beside A at esc\\065: %d %s, want 400", code, b)
	}
	r = query(t, "tcp", addr, "ESCA.example.test.", mdns.TypeA, true)
	if len(r.Answer) != 1 {
		t.Errorf("ESCA A: %d answers, want 1", len(r.Answer))
	}
	refused := []struct{ name, field, why string }{
		{"\u212Aelvin.example.test.", "name:", "KELVIN SIGN is not k"},
		{"a\u0007b.example.test.", "name:", "control character"},
		{"a\u0000b.example.test.", "name:", "NUL"},
		{`a\000b.example.test.`, "name:", "escaped NUL"},
		{`caf\233.example.test.`, "name:", "escaped byte above 0x7F"},
		{"Xn--zz.example.test.", "name:", "bad A-label"},
		{"a..example.test.", "name:", "empty label"},
	}
	for _, tc := range refused {
		code, b := put(t, srv, tc.name, "A", oneSet(30, "192.0.2.3"))
		if code != 400 || !strings.Contains(b, tc.field) {
			t.Errorf("%s (%q): %d %s, want 400 naming %s", tc.why, tc.name, code, b, tc.field)
		}
	}
	if code, b := put(t, srv, "x.example.test.", "CNAME", oneSet(30, "b\u212Ar.example.test.")); code != 400 || !strings.Contains(b, "sets[0].values[0]") {
		t.Errorf("CNAME target with a KELVIN SIGN: %d %s, want 400 naming sets[0].values[0]", code, b)
	}
	r = query(t, "udp", addr, "kelvin.example.test.", mdns.TypeA, false)
	if r.Rcode != mdns.RcodeNameError {
		t.Errorf("kelvin A: %s, want NXDOMAIN (nothing was stored under an alias)", mdns.RcodeToString[r.Rcode])
	}
	// An IDN goes in as text and is served as its A-label.
	if code, b := put(t, srv, "Bücher.example.test.", "A", oneSet(30, "192.0.2.4")); code != 200 || !strings.Contains(b, "xn--bcher-kva.example.test.") {
		t.Fatalf("PUT Bücher: %d %s, want 200 naming xn--bcher-kva", code, b)
	}
	r = query(t, "udp", addr, "xn--bcher-kva.example.test.", mdns.TypeA, false)
	if len(r.Answer) != 1 {
		t.Errorf("xn--bcher-kva A: %d answers, want 1", len(r.Answer))
	}
}

// TestOldAliasSpellingsAnswerTheSame: a store written before names were
// canonical may hold one name under two spellings; which of them answers
// must not depend on map order, so every start answers the same.
func TestOldAliasSpellingsAnswerTheSame(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{`esc\065.example.test.`, "esca.example.test.", `ESC\097.example.test.`} {
		rs := dns.RecordSet{Name: name, Type: "A", TTL: 30, Sets: []dns.WeightedSet{{ID: "a", Weight: 1, Values: []string{fmt.Sprintf("192.0.2.%d", i+1)}}}}
		if _, err := st.Apply(t.Context(), nil, store.Op{Put: &rs}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for range 8 {
		srv := servertest.Run(t, server.Config{Zones: []server.Zone{server.DefaultZone("example.test")}, DataDir: dir})
		r := query(t, "udp", srv.DNSAddr(), "esca.example.test.", mdns.TypeA, false)
		if len(r.Answer) != 1 {
			t.Fatalf("esca A: %v", r.Answer)
		}
		seen[r.Answer[0].(*mdns.A).A.String()] = true
		if err := srv.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if len(seen) != 1 {
		t.Errorf("restarts answered %v: the map's order decides", seen)
	}
}
