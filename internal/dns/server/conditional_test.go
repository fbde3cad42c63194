package server_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/adminclient"
	"ferry.dev/ferry/internal/dns/server"
)

const apiPath = "/v1/records/api.example.test./A"

func body(rs dns.RecordSet) string {
	b, err := json.Marshal(rs)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func etag(rs dns.RecordSet) string { return `"` + rs.Digest() + `"` }

func weighted(legacy, cluster int) dns.RecordSet {
	return dns.RecordSet{Name: "api.example.test.", Type: "A", TTL: 30, Sets: []dns.WeightedSet{
		{ID: "legacy", Weight: legacy, Values: []string{"127.0.0.2"}}, {ID: "cluster", Weight: cluster, Values: []string{"127.0.0.3"}}}}
}

// TestAdminHonoursPreconditions walks one record through the raw HTTP API:
// each step's status, ETag and (for 412) body, and the revision moving
// only for a change that was made.
func TestAdminHonoursPreconditions(t *testing.T) {
	srv := startServer(t, t.TempDir())
	first, second, third := weighted(100, 0), weighted(90, 10), weighted(50, 50)
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			out.Add(kv[i], kv[i+1])
		}
		return out
	}
	steps := []struct {
		name, method, body string
		hdr                http.Header
		status             int
		etag               string         // the answer's ETag; "" none
		current            *dns.RecordSet // the 412 body's current; nil: null
		changes            bool
	}{
		{name: "create if absent", method: "PUT", body: body(first), hdr: h("If-None-Match", "*"), status: 200, etag: etag(first), changes: true},
		{name: "create if absent, taken", method: "PUT", body: body(second), hdr: h("If-None-Match", "*"), status: 412, etag: etag(first), current: &first},
		{name: "get", method: "GET", status: 200, etag: etag(first)},
		{name: "replace if match", method: "PUT", body: body(second), hdr: h("If-Match", etag(first)), status: 200, etag: etag(second), changes: true},
		{name: "replace if match, stale", method: "PUT", body: body(third), hdr: h("If-Match", etag(first)), status: 412, etag: etag(second), current: &second},
		{name: "the same change again, whose answer was lost", method: "PUT", body: body(second), hdr: h("If-Match", etag(first)), status: 200, etag: etag(second)},
		{name: "delete if match, stale", method: "DELETE", hdr: h("If-Match", etag(first)), status: 412, etag: etag(second), current: &second},
		{name: "delete if match", method: "DELETE", hdr: h("If-Match", etag(second)), status: 204, changes: true},
		{name: "delete if match, already gone", method: "DELETE", hdr: h("If-Match", etag(second)), status: 204},
		{name: "replace if match, gone", method: "PUT", body: body(third), hdr: h("If-Match", etag(second)), status: 412},
		{name: "no header is unconditional", method: "PUT", body: body(third), status: 200, etag: etag(third), changes: true},
	}
	for _, st := range steps {
		rev := srv.Revision()
		status, hdr, got := doWith(t, srv, st.method, apiPath, st.body, st.hdr)
		if status != st.status || hdr.Get("ETag") != st.etag {
			t.Fatalf("%s: %d ETag %q, want %d ETag %q: %s", st.name, status, hdr.Get("ETag"), st.status, st.etag, got)
		}
		if moved := srv.Revision() != rev; moved != st.changes {
			t.Errorf("%s: the revision moved: %v, want %v", st.name, moved, st.changes)
		}
		if status != http.StatusPreconditionFailed {
			continue
		}
		var conflict server.ConflictBody
		if err := json.Unmarshal([]byte(got), &conflict); err != nil || !strings.Contains(conflict.Error, "changed underneath") {
			t.Errorf("%s: 412 body %s (%v), want an error saying it changed", st.name, got, err)
		}
		if diff := cmp.Diff(st.current, conflict.Current); diff != "" {
			t.Errorf("%s: current (-want +got):\n%s", st.name, diff)
		}
		if st.current == nil && !strings.Contains(got, `"current": null`) {
			t.Errorf("%s: 412 body without \"current\": null: %s", st.name, got)
		}
	}
}

func TestAdminRefusesMalformedPreconditions(t *testing.T) {
	srv := startServer(t, t.TempDir())
	rs := weighted(90, 10)
	set(t, srv, rs)
	cases := []struct {
		name string
		hdr  http.Header
		msg  string
	}{
		{name: "If-Match *", hdr: http.Header{"If-Match": {"*"}}, msg: `If-Match: "*" is not supported`},
		{name: "unquoted tag", hdr: http.Header{"If-Match": {rs.Digest()}}, msg: "If-Match: "},
		{name: "weak tag", hdr: http.Header{"If-Match": {"W/" + etag(rs)}}, msg: "If-Match: "},
		{name: "two tags in one header", hdr: http.Header{"If-Match": {etag(rs) + ", " + etag(rs)}}, msg: "If-Match: "},
		{name: "two headers", hdr: http.Header{"If-Match": {etag(rs), etag(rs)}}, msg: "not several"},
		{name: "empty tag", hdr: http.Header{"If-Match": {`""`}}, msg: "If-Match: "},
		{name: "If-None-Match with a tag", hdr: http.Header{"If-None-Match": {etag(rs)}}, msg: `If-None-Match: only "*"`},
		{name: "both", hdr: http.Header{"If-Match": {etag(rs)}, "If-None-Match": {"*"}}, msg: "not both"},
	}
	for _, tc := range cases {
		for _, method := range []string{"PUT", "DELETE"} {
			t.Run(tc.name+" "+method, func(t *testing.T) {
				rev := srv.Revision()
				status, _, got := doWith(t, srv, method, apiPath, body(weighted(0, 100)), tc.hdr)
				var apiErr server.APIError
				if err := json.Unmarshal([]byte(got), &apiErr); err != nil || status != http.StatusBadRequest || !strings.Contains(apiErr.Error, tc.msg) {
					t.Errorf("%d %s, want 400 naming %q", status, got, tc.msg)
				}
				if srv.Revision() != rev {
					t.Error("a refused request changed the records")
				}
			})
		}
	}
}

// TestClientConditions drives the real server through adminclient: the
// header comes from the Condition, a 412 comes back as *ConflictError,
// and a set the client built in its own spelling matches the server's
// canonical copy.
func TestClientConditions(t *testing.T) {
	srv := startServer(t, t.TempDir())
	c := newClient(t, srv)
	ctx := t.Context()
	v6 := dns.RecordSet{Name: "Six.Example.Test", Type: "aaaa", TTL: 30, Sets: []dns.WeightedSet{
		{ID: "b", Weight: 1, Values: []string{"2001:DB8:0:0::2", "2001:db8::1"}}, {ID: "a", Weight: 2, Values: []string{"2001:db8::3"}}}}
	if err := c.Replace(ctx, v6, dns.IfAbsent()); err != nil {
		t.Fatal(err)
	}
	err := c.Replace(ctx, v6, dns.IfAbsent())
	if err != nil {
		t.Errorf("creating the same set again (a retry): %v", err)
	}
	moved := v6.Clone()
	moved.Sets[1].Weight = 9
	// The client's own spelling of what it wrote matches the stored copy.
	if err := c.Replace(ctx, moved, dns.IfMatch(v6)); err != nil {
		t.Fatalf("IfMatch with the client's own spelling: %v", err)
	}
	err = c.Replace(ctx, v6, dns.IfMatch(v6))
	var conflict *dns.ConflictError
	if !errors.As(err, &conflict) || !errors.Is(err, dns.ErrConflict) || errors.Is(err, dns.ErrTerminal) {
		t.Fatalf("stale IfMatch: %v, want a *ConflictError, not terminal", err)
	}
	stored, err := c.Get(ctx, "six.example.test.", "AAAA")
	if err != nil {
		t.Fatal(err)
	}
	if conflict.Current == nil || !conflict.Current.Equal(moved) || conflict.Name != "six.example.test." || conflict.Type != "AAAA" {
		t.Errorf("conflict %+v, want it to carry %v", conflict, stored)
	}
	if want, ok := conflict.Want.Expected(); !ok || !want.Equal(v6) {
		t.Errorf("conflict.Want = %s, want the caller's condition", conflict.Want)
	}
	if err := c.Delete(ctx, "six.example.test.", "AAAA", dns.IfMatch(v6)); !errors.As(err, &conflict) {
		t.Errorf("stale conditional delete: %v, want a conflict", err)
	}
	if err := c.Delete(ctx, "six.example.test.", "AAAA", dns.IfRevision(stored.Digest())); err != nil {
		t.Errorf("conditional delete: %v", err)
	}
	if _, err := c.Get(ctx, "six.example.test.", "AAAA"); !errors.Is(err, dns.ErrNotFound) {
		t.Errorf("after the delete: %v", err)
	}
}

// TestNoConditionIsRefused: the zero Condition never means "overwrite",
// neither in process nor through the client (which sends nothing).
func TestNoConditionIsRefused(t *testing.T) {
	srv := startServer(t, t.TempDir())
	c := newClient(t, srv)
	set(t, srv, weighted(90, 10))
	rev := srv.Revision()
	for name, p := range map[string]dns.Provider{"server": srv, "client": c} {
		for op, call := range map[string]func() error{
			"replace": func() error { return p.Replace(t.Context(), weighted(0, 100), dns.Condition{}) },
			"delete":  func() error { return p.Delete(t.Context(), "api.example.test.", "A", dns.Condition{}) },
		} {
			if err := call(); !errors.Is(err, dns.ErrInvalid) || !strings.Contains(err.Error(), "no condition") {
				t.Errorf("%s %s without a condition: %v, want ErrInvalid naming it", name, op, err)
			}
		}
	}
	if srv.Revision() != rev {
		t.Error("a change without a condition was made")
	}
}

// TestConcurrentWritersWithOneIfMatch: writers that all read the same set
// and each write their own over it: exactly one wins each round, every
// loser is told what the winner wrote.
func TestConcurrentWritersWithOneIfMatch(t *testing.T) {
	srv := startServer(t, t.TempDir())
	const writers, rounds = 8, 10
	clients := make([]*adminclient.Client, writers)
	for i := range clients {
		clients[i] = newClient(t, srv)
	}
	base := weighted(100, 0)
	set(t, srv, base)
	start := srv.Revision()
	for round := range rounds {
		errs := make([]error, writers)
		var wg sync.WaitGroup
		for i, c := range clients {
			wg.Go(func() {
				errs[i] = c.Replace(t.Context(), weighted(i+round*writers+1, 1), dns.IfMatch(base))
			})
		}
		wg.Wait()
		now, err := srv.Get(t.Context(), base.Name, base.Type)
		if err != nil {
			t.Fatal(err)
		}
		var winners []int
		for i, err := range errs {
			var conflict *dns.ConflictError
			switch {
			case err == nil:
				winners = append(winners, i)
			case !errors.As(err, &conflict):
				t.Fatalf("round %d writer %d: %v", round, i, err)
			case conflict.Current == nil || !conflict.Current.Equal(now):
				t.Errorf("round %d writer %d: the conflict carries %v, want the winner's %v", round, i, conflict.Current, now)
			}
		}
		if len(winners) != 1 || !now.Equal(weighted(winners[0]+round*writers+1, 1)) {
			t.Fatalf("round %d: winners %v, record %v; want exactly one, whose set is there", round, winners, now)
		}
		base = now
	}
	if got := srv.Revision() - start; got != rounds {
		t.Errorf("%d changes in %d rounds, want one a round", got, rounds)
	}
}
