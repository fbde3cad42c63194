package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/server/store"
)

// FuzzAdminBody sends arbitrary PUT bodies to the admin API's handler: it
// never panics or fails (500), changes nothing unless it answers 200, and a 200's answer sent back is a change already made (no new
// revision): what is stored reads back as itself.
func FuzzAdminBody(f *testing.F) {
	for _, b := range []string{
		`{"ttl":30,"sets":[{"id":"a","weight":1,"values":["192.0.2.1"]}]}`,
		`{"ttl":30,"sets":[{"id":"a","weight":1,"values":["\"a\" \"b\"","x\\065"]}]}`,
		`{"ttl":30,"ttl":31,"sets":[]}`, `{"TTL":30}`, `{"ttl":30,"sets":[{"id":"a","values":["1.2.3.4"]}]}`,
		`{"name":"sp\\032ace.example.test.","ttl":1,"sets":[{"id":"x","weight":0,"values":["::1"]}]}`,
	} {
		f.Add("x.example.test.", "A", b)
		f.Add("t.example.test.", "TXT", b)
	}
	srv, err := New(f.Context(), Config{Zones: []Zone{DefaultZone("example.test")}, DataDir: f.TempDir(), Token: fuzzToken,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = srv.Close() })
	h := srv.AdminHandler()
	f.Fuzz(func(t *testing.T, name, rrtype, body string) {
		if name == "" || rrtype == "" {
			return // not a record's path
		}
		rev := srv.Revision()
		code, answer := fuzzPut(h, name, rrtype, body)
		switch code {
		case http.StatusOK:
			if again, _ := fuzzPut(h, name, rrtype, answer); again != http.StatusOK {
				t.Fatalf("the stored set %s, sent back, answered %d", answer, again)
			}
			after := srv.Revision()
			if _, _ = fuzzPut(h, name, rrtype, answer); srv.Revision() != after {
				t.Fatalf("sending back the stored set %s made a new revision", answer)
			}
		case http.StatusInternalServerError, http.StatusCreated, http.StatusNoContent:
			t.Fatalf("PUT %q answered %d: %s", body, code, answer)
		default: // 400, 413, or the mux's answer to a path such as /v1/records/a/.
			if srv.Revision() != rev {
				t.Fatalf("a refused body (%d) changed the store: %q", code, body)
			}
		}
	})
}

func fuzzPut(h http.Handler, name, rrtype, body string) (int, string) {
	req := httptest.NewRequest(http.MethodPut, "/v1/records/"+url.PathEscape(name)+"/"+url.PathEscape(rrtype), strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+fuzzToken)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

const fuzzToken = "fuzz-token-0123456789"

// FuzzParseZone reads arbitrary zone files: no panic, and a zone that is
// accepted can be served as it was read (its records compile).
func FuzzParseZone(f *testing.F) {
	head := "$ORIGIN example.test.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 600 604800 60\n@ IN NS ns1\n"
	for _, body := range []string{
		"www IN A 192.0.2.1\n", `txt IN TXT "a" "b" ( "c" )` + "\n", "esc\\065 IN A 192.0.2.1\nesca IN CNAME www\n",
		"* IN A 192.0.2.1\n", "x CH TXT hi\n", "$GENERATE 1-3 h$ A 192.0.2.$\n", "mx IN MX 10 mail\nmx IN MX 10 mail\n",
	} {
		f.Add(head + body)
	}
	f.Fuzz(func(t *testing.T, src string) {
		z, err := ParseZone(strings.NewReader(src), "fuzz.zone", "")
		if err != nil {
			return
		}
		if _, err := buildView([]Zone{z}, seededState(z), newMetrics().counter); err != nil {
			t.Fatalf("an accepted zone does not compile: %v\n%s", err, src)
		}
	})
}

// seededState is the store's state after importing z's records.
func seededState(z Zone) store.State {
	st := store.State{Records: map[store.Key]dns.RecordSet{}, Seeded: map[string]bool{z.Origin: true}}
	for _, rs := range z.Seed {
		rs = Canonical(rs)
		st.Records[store.KeyOf(rs)] = rs
	}
	return st
}
