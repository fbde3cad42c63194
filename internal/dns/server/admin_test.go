package server_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	mdns "github.com/miekg/dns"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/adminclient"
	"ferry.dev/ferry/internal/dns/server"
	"ferry.dev/ferry/internal/dns/server/store"
)

func TestAdminRequiresToken(t *testing.T) {
	srv := startServer(t, t.TempDir())
	cases := []struct {
		name, method, path, auth string
	}{
		{name: "no header", method: "GET", path: "/v1/records/www.example.test./A"},
		{name: "wrong token", method: "GET", path: "/v1/records/www.example.test./A", auth: "Bearer wrong"},
		{name: "token prefix", method: "GET", path: "/v1/records/www.example.test./A", auth: "Bearer " + testToken[:4]},
		{name: "not bearer", method: "GET", path: "/v1/records/www.example.test./A", auth: "Basic " + testToken},
		{name: "put", method: "PUT", path: "/v1/records/x.example.test./A", auth: "Bearer x"},
		{name: "delete", method: "DELETE", path: "/v1/records/www.example.test./A"},
		{name: "metrics", method: "GET", path: "/metrics"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tc.method, srv.AdminURL()+tc.path, strings.NewReader(`{}`))
			if err != nil {
				t.Fatal(err)
			}
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("status %d, want 401", resp.StatusCode)
			}
		})
	}
	if _, err := srv.Get(t.Context(), "www.example.test.", "A"); err != nil {
		t.Errorf("the seeded record is gone after refused requests: %v", err)
	}
}

// TestAdminAcceptsBearerInAnyCase: RFC 7235 makes the auth scheme
// case-insensitive, so "bearer" and "BEARER" must work as "Bearer" does.
func TestAdminAcceptsBearerInAnyCase(t *testing.T) {
	srv := startServer(t, t.TempDir())
	for _, auth := range []string{"Bearer " + testToken, "bearer " + testToken, "BEARER " + testToken, "bEaReR  " + testToken} {
		t.Run(auth, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), "GET", srv.AdminURL()+"/v1/records/www.example.test./A", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", auth)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("status %d, want 200", resp.StatusCode)
			}
		})
	}
}

func TestAdminRejectsBadInput(t *testing.T) {
	srv := startServer(t, t.TempDir())
	c := newClient(t, srv)
	good := dns.RecordSet{Name: "api.example.test.", Type: "A", TTL: 30, Sets: []dns.WeightedSet{
		{ID: "legacy", Weight: 90, Values: []string{"127.0.0.2"}}, {ID: "cluster", Weight: 10, Values: []string{"127.0.0.3"}},
	}}
	if err := c.Replace(t.Context(), good, dns.Always()); err != nil {
		t.Fatal(err)
	}
	with := func(f func(*dns.RecordSet)) dns.RecordSet {
		rs := good
		rs.Sets = []dns.WeightedSet{good.Sets[0], good.Sets[1]}
		f(&rs)
		return rs
	}
	cases := []struct {
		name  string
		rs    dns.RecordSet
		field string
	}{
		{name: "weight above 255", rs: with(func(rs *dns.RecordSet) { rs.Sets[0].Weight = 256 }), field: "sets[0].weight"},
		{name: "negative weight", rs: with(func(rs *dns.RecordSet) { rs.Sets[1].Weight = -1 }), field: "sets[1].weight"},
		{name: "no sets", rs: with(func(rs *dns.RecordSet) { rs.Sets = nil }), field: "sets:"},
		{name: "set without values", rs: with(func(rs *dns.RecordSet) { rs.Sets[1].Values = nil }), field: "sets[1].values"},
		{name: "duplicate ids", rs: with(func(rs *dns.RecordSet) { rs.Sets[1].ID = "legacy" }), field: "sets[1].id"},
		{name: "name outside the zones", rs: with(func(rs *dns.RecordSet) { rs.Name = "api.example.org." }), field: "name:"},
		{name: "not an IPv4 address", rs: with(func(rs *dns.RecordSet) { rs.Sets[0].Values = []string{"::1"} }), field: "sets[0].values[0]"},
		{name: "unsupported type", rs: with(func(rs *dns.RecordSet) { rs.Type = "MX" }), field: "type:"},
		{name: "CNAME beside A", rs: dns.RecordSet{Name: "api.example.test.", Type: "CNAME", TTL: 30,
			Sets: []dns.WeightedSet{{ID: "x", Weight: 1, Values: []string{"lb.elb.test."}}}}, field: "type:"},
		{name: "A beside CNAME", rs: dns.RecordSet{Name: "alias.example.test.", Type: "A", TTL: 30,
			Sets: []dns.WeightedSet{{ID: "x", Weight: 1, Values: []string{"127.0.0.1"}}}}, field: "type:"},
		{name: "CNAME at the apex", rs: dns.RecordSet{Name: "example.test.", Type: "CNAME", TTL: 30,
			Sets: []dns.WeightedSet{{ID: "x", Weight: 1, Values: []string{"lb.elb.test."}}}}, field: "name:"},
		{name: "CNAME beside a zone file MX", rs: dns.RecordSet{Name: "mx.example.test.", Type: "CNAME", TTL: 30,
			Sets: []dns.WeightedSet{{ID: "x", Weight: 1, Values: []string{"lb.elb.test."}}}}, field: "beside MX"},
		{name: "TTL too large", rs: with(func(rs *dns.RecordSet) { rs.TTL = 1 << 31 }), field: "ttl:"},
		{name: "wildcard name", rs: with(func(rs *dns.RecordSet) { rs.Name = "*.example.test." }), field: "name: *.example.test. is a wildcard"},
		{name: "TTL zero", rs: with(func(rs *dns.RecordSet) { rs.TTL = 0 }), field: "ttl:"},
		{name: "id that would break a metrics label", rs: with(func(rs *dns.RecordSet) { rs.Sets[1].ID = "x\"} 1\nfake_metric{a=\"" }), field: "sets[1].id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rev := srv.Revision()
			err := c.Replace(t.Context(), tc.rs, dns.Always())
			if !errors.Is(err, dns.ErrInvalid) {
				t.Fatalf("error %v does not wrap dns.ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tc.field) {
				t.Errorf("error %q does not name %q", err, tc.field)
			}
			if srv.Revision() != rev {
				t.Errorf("a refused change moved the revision from %d to %d", rev, srv.Revision())
			}
			got, err := c.Get(t.Context(), good.Name, good.Type)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(good, got); diff != "" {
				t.Errorf("record changed (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAdminRejectsMalformedBodies(t *testing.T) {
	srv := startServer(t, t.TempDir())
	cases := []struct{ name, path, body, field string }{
		{name: "unknown field", path: "/v1/records/a.example.test./A", body: `{"sets":[{"id":"a","weight":1,"values":["127.0.0.1"]}],"wieght":3}`, field: "wieght"},
		{name: "weight not a number", path: "/v1/records/a.example.test./A", body: `{"sets":[{"id":"a","weight":"ten","values":["127.0.0.1"]}]}`, field: "weight"},
		{name: "name differs from path", path: "/v1/records/a.example.test./A", body: `{"name":"b.example.test.","sets":[{"id":"a","weight":1,"values":["127.0.0.1"]}]}`, field: "name:"},
		{name: "type differs from path", path: "/v1/records/a.example.test./A", body: `{"type":"AAAA","sets":[{"id":"a","weight":1,"values":["::1"]}]}`, field: "type:"},
		{name: "ttl left out", path: "/v1/records/a.example.test./A", body: `{"sets":[{"id":"a","weight":1,"values":["127.0.0.1"]}]}`, field: "ttl:"},
		{name: "bad set id", path: "/v1/records/a.example.test./A", body: `{"ttl":30,"sets":[{"id":"a b","weight":1,"values":["127.0.0.1"]}]}`, field: "sets[0].id"},
		{name: "not JSON", path: "/v1/records/a.example.test./A", body: `legacy=90`, field: "body:"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := do(t, srv, "PUT", tc.path, tc.body)
			if status != http.StatusBadRequest || !strings.Contains(body, tc.field) {
				t.Errorf("got %d %s, want 400 naming %q", status, body, tc.field)
			}
			if _, err := srv.Get(t.Context(), "a.example.test.", "A"); !errors.Is(err, dns.ErrNotFound) {
				t.Errorf("a refused body was stored: %v", err)
			}
		})
	}
}

func TestAdminRoundTrip(t *testing.T) {
	srv := startServer(t, t.TempDir())
	c := newClient(t, srv)
	rs := dns.RecordSet{Name: "API.Example.Test", Type: "cname", TTL: 60, Sets: []dns.WeightedSet{
		{ID: "legacy", Weight: 1, Values: []string{"LB-1.ELB.test"}}, {ID: "cluster", Weight: 0, Values: []string{"ingress.example.test."}},
	}}
	if err := c.Replace(t.Context(), rs, dns.Always()); err != nil {
		t.Fatal(err)
	}
	got, err := c.Get(t.Context(), "api.example.test.", "CNAME")
	if err != nil {
		t.Fatal(err)
	}
	want := dns.RecordSet{Name: "api.example.test.", Type: "CNAME", TTL: 60, Sets: []dns.WeightedSet{
		{ID: "legacy", Weight: 1, Values: []string{"lb-1.elb.test."}}, {ID: "cluster", Weight: 0, Values: []string{"ingress.example.test."}},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stored record set (-want +got):\n%s", diff)
	}
	r := query(t, "udp", srv.DNSAddr(), "api.example.test.", mdns.TypeA, false)
	if diff := cmp.Diff(rrs(t, "api.example.test. 60 IN CNAME lb-1.elb.test."), strs(r.Answer)); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	if err := c.Delete(t.Context(), "api.example.test.", "CNAME", dns.Always()); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(t.Context(), "api.example.test.", "CNAME", dns.Always()); err != nil {
		t.Errorf("deleting twice: %v", err)
	}
	if _, err := c.Get(t.Context(), "api.example.test.", "CNAME"); !errors.Is(err, dns.ErrNotFound) {
		t.Errorf("after delete: %v, want ErrNotFound", err)
	}
	if r := query(t, "udp", srv.DNSAddr(), "api.example.test.", mdns.TypeA, false); r.Rcode != mdns.RcodeNameError {
		t.Errorf("after delete the name answers %s, want NXDOMAIN", mdns.RcodeToString[r.Rcode])
	}
}

func TestMetrics(t *testing.T) {
	srv := startServer(t, t.TempDir())
	set(t, srv, dns.RecordSet{Name: "api.example.test.", Type: "A", TTL: 30, Sets: []dns.WeightedSet{{ID: "cluster", Weight: 5, Values: []string{"127.0.0.3"}}}})
	for range 3 {
		query(t, "udp", srv.DNSAddr(), "api.example.test.", mdns.TypeA, false)
	}
	query(t, "tcp", srv.DNSAddr(), "nope.example.test.", mdns.TypeAAAA, false)
	query(t, "udp", srv.DNSAddr(), "example.org.", mdns.TypeTXT, false)
	status, body := do(t, srv, "GET", "/metrics", "")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	for _, want := range []string{
		`ferry_dns_queries_total{type="A",rcode="NOERROR"} 3`,
		`ferry_dns_queries_total{type="AAAA",rcode="NXDOMAIN"} 1`,
		`ferry_dns_queries_total{type="TXT",rcode="REFUSED"} 1`,
		`ferry_dns_answers_total{name="api.example.test.",type="A",set="cluster"} 3`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s:\n%s", want, body)
		}
	}
}

func newClient(t *testing.T, srv *server.Server) *adminclient.Client {
	t.Helper()
	c, err := adminclient.New(srv.AdminURL(), testToken, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func do(t *testing.T, srv *server.Server, method, path, body string) (int, string) {
	t.Helper()
	status, _, b := doWith(t, srv, method, path, body, nil)
	return status, b
}

// doWith sends one authenticated request with the extra headers hdr and
// returns the status, the answer's headers and its body.
func doWith(t *testing.T, srv *server.Server, method, path, body string, hdr http.Header) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.AdminURL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

func TestGetReturnsACopy(t *testing.T) {
	srv := startServer(t, t.TempDir())
	want := dns.RecordSet{Name: "api.example.test.", Type: "A", TTL: 30, Sets: []dns.WeightedSet{{ID: "a", Weight: 1, Values: []string{"127.0.0.1"}}}}
	set(t, srv, want)
	got, err := srv.Get(t.Context(), want.Name, want.Type)
	if err != nil {
		t.Fatal(err)
	}
	got.Sets[0].Weight, got.Sets[0].Values[0] = 200, "127.0.0.9"
	srv.List(t.Context())[0].Sets[0].Values[0] = "127.0.0.8"
	again, err := srv.Get(t.Context(), want.Name, want.Type)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, again); diff != "" {
		t.Errorf("changing a returned record set changed the server's (-want +got):\n%s", diff)
	}
}

// TestMetricsForgetRemovedSets checks that a set's answer counter leaves
// /metrics once a replacement drops the set or the record set is deleted.
func TestMetricsForgetRemovedSets(t *testing.T) {
	srv := startServer(t, t.TempDir())
	both := dns.RecordSet{Name: "api.example.test.", Type: "A", TTL: 30, Sets: []dns.WeightedSet{
		{ID: "legacy", Weight: 0, Values: []string{"127.0.0.2"}}, {ID: "cluster", Weight: 1, Values: []string{"127.0.0.3"}}}}
	legacy := `ferry_dns_answers_total{name="api.example.test.",type="A",set="legacy"}`
	cluster := `ferry_dns_answers_total{name="api.example.test.",type="A",set="cluster"}`
	steps := []struct {
		name    string
		change  func() error
		present []string
		absent  []string
	}{
		{name: "two sets", change: func() error { return srv.Replace(t.Context(), both, dns.Always()) }, present: []string{legacy, cluster}},
		{name: "legacy dropped", change: func() error {
			rs := both
			rs.Sets = both.Sets[1:]
			return srv.Replace(t.Context(), rs, dns.Always())
		}, present: []string{cluster}, absent: []string{legacy}},
		{name: "deleted", change: func() error { return srv.Delete(t.Context(), both.Name, both.Type, dns.Always()) }, absent: []string{legacy, cluster}},
	}
	for _, st := range steps {
		if err := st.change(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		query(t, "udp", srv.DNSAddr(), "api.example.test.", mdns.TypeA, false)
		_, body := do(t, srv, "GET", "/metrics", "")
		for _, want := range st.present {
			if !strings.Contains(body, want) {
				t.Errorf("%s: metrics lack %s:\n%s", st.name, want, body)
			}
		}
		for _, gone := range st.absent {
			if strings.Contains(body, gone) {
				t.Errorf("%s: metrics still show %s:\n%s", st.name, gone, body)
			}
		}
	}
}

// TestMetricsEscapeLabelValues serves a store written before set ids were
// validated: an id with a quote, a backslash, a newline and a tab must come
// out in the Prometheus text format's escapes, not Go's.
func TestMetricsEscapeLabelValues(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	old := dns.RecordSet{Name: "old.example.test.", Type: "A", TTL: 30, Sets: []dns.WeightedSet{
		{ID: "q\"b\\n\nt\tx", Weight: 1, Values: []string{"127.0.0.7"}}}}
	if _, err := st.Apply(t.Context(), nil, store.Op{Put: &old}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, dir)
	query(t, "udp", srv.DNSAddr(), "old.example.test.", mdns.TypeA, false)
	_, body := do(t, srv, "GET", "/metrics", "")
	want := "ferry_dns_answers_total{name=\"old.example.test.\",type=\"A\",set=\"q\\\"b\\\\n\\nt\tx\"} 1\n"
	if !strings.Contains(body, want) {
		t.Errorf("metrics lack %q:\n%s", want, body)
	}
}
