package adminclient_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/adminclient"
	"ferry.dev/ferry/internal/dns/server/servertest"
)

func TestErrorsFollowTheProviderContract(t *testing.T) {
	srv := servertest.Start(t, "example.test")
	// Other HTTP servers a wrong --server could point at.
	forbidden := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "forbidden by the proxy", http.StatusForbidden)
	}))
	defer forbidden.Close()
	other := httptest.NewServer(http.NotFoundHandler())
	defer other.Close()
	precondition := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "precondition failed at the proxy", http.StatusPreconditionFailed)
	}))
	defer precondition.Close()
	jsonButNotFerry := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"message":"no route"}`)
	}))
	defer jsonButNotFerry.Close()
	client := func(url, token string) *adminclient.Client {
		c, err := adminclient.New(url, token, nil)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	good, wrong := client(srv.AdminURL(), servertest.Token), client(srv.AdminURL(), "wrong")
	get := func(c *adminclient.Client) func() error {
		return func() error { _, err := c.Get(t.Context(), "a.example.test.", "A"); return err }
	}
	seeded := dns.RecordSet{Name: "b.example.test.", Type: "A", TTL: 30, Sets: []dns.WeightedSet{{ID: "x", Weight: 1, Values: []string{"127.0.0.1"}}}}
	if err := srv.Replace(t.Context(), seeded, dns.Always()); err != nil {
		t.Fatal(err)
	}
	changed := seeded.Clone()
	changed.TTL = 60
	bad := dns.RecordSet{Name: "a.example.test.", Type: "A", TTL: 30, Sets: []dns.WeightedSet{{ID: "x", Weight: 300, Values: []string{"127.0.0.1"}}}}
	cases := []struct {
		name string
		call func() error
		is   []error // the error must wrap each
		not  []error // and none of these
		msg  string
	}{
		{name: "get missing", call: get(good), is: []error{dns.ErrNotFound}, not: []error{dns.ErrTerminal}},
		{name: "replace invalid", call: func() error { return good.Replace(t.Context(), bad, dns.Always()) },
			is: []error{dns.ErrInvalid, dns.ErrTerminal}, msg: "sets[0].weight"},
		{name: "wrong token", call: get(wrong), is: []error{dns.ErrUnauthorized, dns.ErrTerminal}, not: []error{dns.ErrNotFound}, msg: "401"},
		{name: "403 from a proxy", call: get(client(forbidden.URL, servertest.Token)), is: []error{dns.ErrUnauthorized, dns.ErrTerminal}, msg: "403"},
		{name: "wrong path in the server URL", call: get(client(srv.AdminURL()+"/dns", servertest.Token)),
			is: []error{dns.ErrTerminal}, not: []error{dns.ErrNotFound, dns.ErrUnauthorized}, msg: srv.AdminURL() + "/dns/v1/records/"},
		{name: "another HTTP server", call: get(client(other.URL, servertest.Token)),
			is: []error{dns.ErrTerminal}, not: []error{dns.ErrNotFound}, msg: other.URL},
		{name: "another JSON API", call: get(client(jsonButNotFerry.URL, servertest.Token)),
			is: []error{dns.ErrTerminal}, not: []error{dns.ErrNotFound}, msg: jsonButNotFerry.URL},
		{name: "delete missing", call: func() error { return good.Delete(t.Context(), "a.example.test.", "A", dns.Always()) }},
		{name: "condition failed", call: func() error { return good.Replace(t.Context(), changed, dns.IfAbsent()) },
			is: []error{dns.ErrConflict}, not: []error{dns.ErrTerminal, dns.ErrInvalid}, msg: "changed underneath"},
		{name: "no condition", call: func() error { return good.Replace(t.Context(), seeded, dns.Condition{}) },
			is: []error{dns.ErrInvalid, dns.ErrTerminal}, msg: "no condition"},
		{name: "412 without ferry's body", call: func() error {
			return client(precondition.URL, servertest.Token).Replace(t.Context(), seeded, dns.IfAbsent())
		},
			is: []error{}, not: []error{dns.ErrConflict, dns.ErrTerminal}, msg: "412"},
		{name: "server down", call: get(client("http://127.0.0.1:1", servertest.Token)), is: []error{}, not: []error{dns.ErrTerminal, dns.ErrNotFound}, msg: "refused"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if tc.is == nil && err != nil {
				t.Fatalf("error %v, want none", err)
			}
			if tc.is != nil && err == nil {
				t.Fatal("no error")
			}
			for _, want := range tc.is {
				if !errors.Is(err, want) {
					t.Errorf("error %q does not wrap %q", err, want)
				}
			}
			for _, not := range tc.not {
				if errors.Is(err, not) {
					t.Errorf("error %q wraps %q", err, not)
				}
			}
			if err != nil && !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not mention %q", err, tc.msg)
			}
		})
	}
	if _, err := adminclient.New("127.0.0.1:8053", "t", nil); !errors.Is(err, dns.ErrInvalid) {
		t.Errorf("a URL without scheme: %v, want ErrInvalid", err)
	}
}
