package dashboard_test

import (
	"net/http"
	"strings"
	"testing"

	"ferry.dev/ferry/internal/dashboard"
	"ferry.dev/ferry/internal/migrate"
)

func TestAccess(t *testing.T) {
	const token = "s3cret-token"
	open, guarded := newFixture(t, ""), newFixture(t, token)
	tests := []struct {
		name   string
		f      *fixture
		header map[string]string
		path   string
		want   int
	}{
		{name: "loopback, no token needed", f: open, path: "/api/snapshot", want: http.StatusOK},
		{name: "localhost name", f: open, header: map[string]string{"Host": "localhost:7070"}, path: "/api/snapshot", want: http.StatusOK},
		{name: "foreign Host without a token (DNS rebinding)", f: open, header: map[string]string{"Host": "evil.example:7070"}, path: "/api/snapshot", want: http.StatusForbidden},
		{name: "token required", f: guarded, path: "/api/snapshot", want: http.StatusUnauthorized},
		{name: "token required for the page too", f: guarded, path: "/", want: http.StatusUnauthorized},
		{name: "wrong token", f: guarded, header: map[string]string{"Authorization": "Bearer nope"}, path: "/api/snapshot", want: http.StatusUnauthorized},
		{name: "bearer token", f: guarded, header: map[string]string{"Authorization": "Bearer " + token}, path: "/api/snapshot", want: http.StatusOK},
		{name: "cookie", f: guarded, header: map[string]string{"Cookie": "ferry_token=" + token}, path: "/api/snapshot", want: http.StatusOK},
		{name: "token in the URL: cookie set, token dropped from the address", f: guarded, path: "/?token=" + token, want: http.StatusSeeOther},
		{name: "foreign Host with a token is fine", f: guarded, header: map[string]string{"Host": "dash.example:7070", "Authorization": "Bearer " + token}, path: "/api/snapshot", want: http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, h := tt.f.do(t, http.MethodGet, tt.path, tt.header)
			if code != tt.want {
				t.Errorf("GET %s = %d %q, want %d", tt.path, code, body, tt.want)
			}
			if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
				t.Errorf("Content-Security-Policy %q, want scripts from the server only", csp)
			}
		})
	}
	_, _, h := guarded.do(t, http.MethodGet, "/?token="+token, nil)
	if c := h.Get("Set-Cookie"); !strings.Contains(c, "HttpOnly") || !strings.Contains(c, "SameSite=Strict") {
		t.Errorf("token in the URL sets cookie %q, want an HttpOnly SameSite=Strict one", c)
	}
	if loc := h.Get("Location"); loc != "/" {
		t.Errorf("token in the URL redirects to %q, want / (the token out of the address bar)", loc)
	}
}

func TestCommandCSRF(t *testing.T) {
	f := newFixture(t, "")
	pause := "/api/migrations/0/" + domain + "/pause"
	tests := []struct {
		name   string
		method string
		header map[string]string
		want   int
	}{
		{name: "no CSRF token", method: http.MethodPost, want: http.StatusForbidden},
		{name: "wrong CSRF token", method: http.MethodPost, header: map[string]string{"X-Ferry-CSRF": strings.Repeat("0", 64)}, want: http.StatusForbidden},
		{name: "another origin", method: http.MethodPost, header: map[string]string{"X-Ferry-CSRF": f.csrf, "Origin": "http://evil.example"}, want: http.StatusForbidden},
		{name: "cross-site fetch", method: http.MethodPost, header: map[string]string{"X-Ferry-CSRF": f.csrf, "Sec-Fetch-Site": "cross-site"}, want: http.StatusForbidden},
		{name: "GET never changes anything", method: http.MethodGet, header: map[string]string{"X-Ferry-CSRF": f.csrf}, want: http.StatusMethodNotAllowed},
		{name: "PUT is not a command", method: http.MethodPut, header: map[string]string{"X-Ferry-CSRF": f.csrf}, want: http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, body, _ := f.do(t, tt.method, pause, tt.header); code != tt.want {
				t.Errorf("%s %s = %d %q, want %d", tt.method, pause, code, body, tt.want)
			}
		})
	}
	if qs, _ := f.store.Pending(domain); len(qs) != 0 {
		t.Fatalf("refused requests queued %d commands", len(qs))
	}
	code, body, _ := f.do(t, http.MethodPost, pause, map[string]string{"X-Ferry-CSRF": f.csrf, "Origin": f.ts.URL})
	if code != http.StatusOK || !strings.Contains(body, "pause queued") {
		t.Fatalf("same-origin POST with the token = %d %s, want the pause queued", code, body)
	}
	if qs, _ := f.store.Pending(domain); len(qs) != 1 || qs[0].Kind != migrate.Pause {
		t.Errorf("queue holds %v, want the pause for the next executor", qs)
	}
}

// TestCommandRefusals: what migrate.Allowed refuses is refused by the API
// with its reason, whatever a page's buttons say.
func TestCommandRefusals(t *testing.T) {
	f := newFixture(t, "")
	h := map[string]string{"X-Ferry-CSRF": f.csrf}
	tests := []struct {
		path string
		want int
		says string
	}{
		{"/api/migrations/0/" + domain + "/resume", http.StatusConflict, "resume refused: the migration is not paused and waits for nobody"},
		{"/api/migrations/0/" + domain + "/explode", http.StatusBadRequest, `unknown command \"explode\"`},
		{"/api/migrations/0/other.example.test/pause", http.StatusNotFound, "no migration of other.example.test"},
		{"/api/migrations/7/" + domain + "/pause", http.StatusNotFound, `no source \"7\"`},
	}
	for _, tt := range tests {
		code, body, _ := f.do(t, http.MethodPost, tt.path, h)
		if code != tt.want || !strings.Contains(body, tt.says) || !strings.Contains(body, `"ok":false`) {
			t.Errorf("POST %s = %d %s, want %d saying %q", tt.path, code, body, tt.want, tt.says)
		}
	}
}

func TestListen(t *testing.T) {
	ln, err := dashboard.Listen("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	_ = ln.Close()
	if ln.Token != "" || strings.Contains(ln.URL, "token") {
		t.Errorf("loopback: token %q, URL %s; want none", ln.Token, ln.URL)
	}
	ln, err = dashboard.Listen("0.0.0.0:0", "")
	if err != nil {
		t.Fatal(err)
	}
	_ = ln.Close()
	if len(ln.Token) != 64 || !strings.HasSuffix(ln.URL, "?token="+ln.Token) {
		t.Errorf("any address: token %q, URL %s; want a new token in the URL", ln.Token, ln.URL)
	}
}
