package dashboard_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ferry.dev/ferry/internal/dashboard"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/migratetest"
	"ferry.dev/ferry/internal/migrate/store"
)

const domain = "api.example.test"

// shifting is a migration at step 2 of its shift with both gates passing,
// started through the engine and saved in a real state directory.
func shifting(t *testing.T, st *store.File, edit func(*migrate.State)) migrate.State {
	t.Helper()
	start := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	s, _ := migrate.Step(migrate.NewState(migratetest.Config(domain, "192.0.2.1", "192.0.2.2")), migrate.Start{Now: start})
	s.Stage, s.Step, s.Pending = migrate.StageShift, 1, nil
	s.Weights, s.Target = migrate.Weights{Legacy: 90, Cluster: 10}, migrate.Weights{Legacy: 90, Cluster: 10}
	s.Health[migrate.Cluster] = migrate.SideHealth{N: 110, SuccessRatio: 1, P50: time.Millisecond, P99: 4 * time.Millisecond, Status: migrate.GatePass}
	s.Health[migrate.Legacy] = migrate.SideHealth{N: 109, SuccessRatio: 0.991, P99: 9 * time.Millisecond, Status: migrate.GatePass}
	if edit != nil {
		edit(&s)
	}
	if err := st.Save(t.Context(), s); err != nil {
		t.Fatal(err)
	}
	return s
}

type fixture struct {
	dir   string
	store *store.File
	srv   *dashboard.Server
	ts    *httptest.Server
	csrf  string
}

// newFixture serves a dashboard over a state directory holding one
// migration, on a real loopback listener.
func newFixture(t *testing.T, token string) *fixture {
	t.Helper()
	dir := t.TempDir()
	st, err := store.NewFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	shifting(t, st, nil)
	local, err := dashboard.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := dashboard.New(dashboard.Options{Sources: []dashboard.Source{local}, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	srv.Refresh(t.Context())
	f := &fixture{dir: dir, store: st, srv: srv, ts: httptest.NewServer(srv.Handler())}
	t.Cleanup(f.ts.Close)
	f.csrf = f.pageCSRF(t, token)
	return f
}

// pageCSRF reads the CSRF token the page carries, as the page's script does.
func (f *fixture) pageCSRF(t *testing.T, token string) string {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, f.ts.URL+"/", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	_, rest, ok := strings.Cut(string(body), `name="ferry-csrf" content="`)
	csrf, _, _ := strings.Cut(rest, `"`)
	if !ok || len(csrf) != 64 {
		t.Fatalf("page carries no CSRF token:\n%s", body)
	}
	return csrf
}

func (f *fixture) do(t *testing.T, method, path string, header map[string]string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, f.ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	// Redirects are answers to check, not to follow.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

func TestSnapshotJSON(t *testing.T) {
	f := newFixture(t, "")
	code, body, h := f.do(t, http.MethodGet, "/api/snapshot", nil)
	if code != http.StatusOK || h.Get("Content-Type") != "application/json" {
		t.Fatalf("GET /api/snapshot = %d %s", code, h.Get("Content-Type"))
	}
	var snap dashboard.Snapshot
	if err := json.Unmarshal([]byte(body), &snap); err != nil {
		t.Fatal(err)
	}
	if len(snap.Migrations) != 1 || len(snap.Sources) != 1 || len(snap.Absent) == 0 {
		t.Fatalf("snapshot has %d migrations, %d sources, %d absent; want 1, 1 and the absent sources named", len(snap.Migrations), len(snap.Sources), len(snap.Absent))
	}
	m := snap.Migrations[0]
	checks := []struct {
		what      string
		got, want any
	}{
		{"key", m.Key, "0/" + domain},
		{"stage", m.Stage, "shift"},
		{"step (1-based)", m.Step, 2},
		{"weights", m.Weights, migrate.Weights{Legacy: 90, Cluster: 10}},
		{"cluster probes", m.Health[migrate.Cluster].N, 110},
		{"cluster p99 ms", m.Health[migrate.Cluster].P99Ms, 4.0},
		{"legacy success", m.Health[migrate.Legacy].SuccessRatio, 0.991},
		{"gate threshold", m.Gates.SuccessRatio, 0.99},
		{"resume refused", m.Allowed[migrate.Resume], "the migration is not paused and waits for nobody"},
		{"rollback allowed", m.Allowed[migrate.Rollback], ""},
		{"source", snap.Sources[0].Name, "state directory " + f.dir},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
	if !strings.Contains(body, `"p99Ms":4`) || !strings.Contains(body, `"allowed":{`) {
		t.Errorf("JSON lacks the field names the page reads:\n%s", body)
	}
}

// TestStreamFraming reads the SSE stream as a browser would: the whole
// picture first (history, snapshot), then a snapshot and samples for
// each change.
func TestStreamFraming(t *testing.T) {
	f := newFixture(t, "")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.ts.URL+"/api/stream", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q, want text/event-stream", ct)
	}
	r := bufio.NewReader(resp.Body)
	for _, want := range []string{"history", "snapshot"} {
		if e := readEvent(t, r); e.name != want {
			t.Fatalf("event %q, want %q first", e.name, want)
		}
	}
	shifting(t, f.store, func(s *migrate.State) { s.Weights = migrate.Weights{Legacy: 75, Cluster: 25} })
	f.srv.Refresh(t.Context())
	snap := readEvent(t, r)
	if snap.name != "snapshot" || !strings.Contains(snap.data, `"weights":{"legacy":75,"cluster":25}`) {
		t.Errorf("after a change: event %q %.200s, want a snapshot with the new weights", snap.name, snap.data)
	}
	var samples map[string]dashboard.Sample
	if e := readEvent(t, r); e.name != "samples" || json.Unmarshal([]byte(e.data), &samples) != nil || samples["0/"+domain].Weights.Cluster != 25 {
		t.Errorf("then event %q %s, want samples at cluster 25", e.name, e.data)
	}
	// A page that reconnects catches up: the chart's whole history first.
	again, err := http.DefaultClient.Do(req.Clone(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = again.Body.Close() }()
	var hist map[string][]dashboard.Sample
	e := readEvent(t, bufio.NewReader(again.Body))
	if err := json.Unmarshal([]byte(e.data), &hist); e.name != "history" || err != nil {
		t.Fatalf("reconnected: first event %q (%v), want history", e.name, err)
	}
	if h := hist["0/"+domain]; len(h) != 2 || h[0].Weights.Cluster != 10 || h[1].Weights.Cluster != 25 {
		t.Errorf("reconnected: history %+v, want the samples at 10%% and 25%%", h)
	}
}

type sse struct{ id, name, data string }

// readEvent reads one event, checking its framing: id, event and one data
// line, then a blank line.
func readEvent(t *testing.T, r *bufio.Reader) sse {
	t.Helper()
	var e sse
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("reading the stream: %v", err)
		}
		line = strings.TrimSuffix(line, "\n")
		switch k, v, _ := strings.Cut(line, ": "); {
		case line == "":
			if e.id == "" || e.name == "" || e.data == "" {
				t.Fatalf("event %+v lacks id, event or data", e)
			}
			return e
		case k == "id":
			e.id = v
		case k == "event":
			e.name = v
		case k == "data" && e.data == "":
			e.data = v
		default:
			t.Fatalf("unexpected stream line %q", line)
		}
	}
}

func TestLocalSkipsTemporaryFilesAndNamesTheRunner(t *testing.T) {
	f := newFixture(t, "")
	if err := os.WriteFile(filepath.Join(f.dir, ".api.example.test.json.123"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	lock, err := f.store.Lock(domain, store.Holder{PID: 4242, Host: "build-7", Command: "ferry migrate start api"})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = lock.Unlock() }()
	ms, err := (mustLocal(t, f.dir)).Migrations(t.Context())
	if err != nil || len(ms) != 1 {
		t.Fatalf("Migrations = %d, %v; want the one migration, the half-written file skipped", len(ms), err)
	}
	if !strings.Contains(ms[0].RunningBy, "pid 4242 on build-7") {
		t.Errorf("RunningBy %q, want the lock's holder", ms[0].RunningBy)
	}
}

func mustLocal(t *testing.T, dir string) *dashboard.Local {
	t.Helper()
	l, err := dashboard.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	return l
}
