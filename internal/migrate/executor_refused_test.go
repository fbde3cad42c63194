package migrate_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/adminclient"
	"ferry.dev/ferry/internal/dns/server"
	"ferry.dev/ferry/internal/migrate"
)

// realDNS starts ferry's DNS server in-process with its admin API on
// loopback, requiring the token "right", and seeds api.example.test with a
// plain record pointing at legacy.
func realDNS(t *testing.T, legacy string) *server.Server {
	t.Helper()
	srv, err := server.New(t.Context(), server.Config{
		Zones: []server.Zone{server.DefaultZone("example.test")}, DataDir: t.TempDir(),
		DNSAddr: "127.0.0.1:0", AdminAddr: "127.0.0.1:0", Token: "right",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	host, _, _ := migrate.SplitEndpoint(legacy)
	err = srv.Replace(t.Context(), dns.RecordSet{Name: "api.example.test.", Type: dns.TypeA, TTL: 1,
		Sets: []dns.WeightedSet{{ID: "default", Weight: 1, Values: []string{host}}}}, dns.Always())
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// readStart is what start's adoption check reads, straight from srv (the
// executor under test may hold a wrong token).
func readStart(t *testing.T, srv *server.Server, cfg migrate.Config) migrate.Start {
	t.Helper()
	st, err := migrate.ReadDomain(t.Context(), srv, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// tokenFile writes token to a file and returns a connect function that
// reads it, as "ferry migrate start" does with migration.dns.tokenFile.
func tokenFile(t *testing.T, srv *server.Server, token string) (string, func() (dns.Provider, error)) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "dns.token")
	writeToken(t, path, token)
	return path, func() (dns.Provider, error) {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		return adminclient.New(srv.AdminURL(), strings.TrimSpace(string(b)), nil)
	}
}

func writeToken(t *testing.T, path, token string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(token+"\n"), 0o600); err != nil {
		t.Error(err)
	}
}

// countingProvider counts the changes sent, to show a refusal is not retried.
type countingProvider struct {
	dns.Provider
	replaces atomic.Int32
}

func (c *countingProvider) Replace(ctx context.Context, rs dns.RecordSet, cond dns.Condition) error {
	c.replaces.Add(1)
	return c.Provider.Replace(ctx, rs, cond)
}

// TestExecutorStopsOnWrongTokenAndResumes runs a migration against ferry's
// real DNS server with a wrong token: Run must stop at once with the alert
// (not retry), and after the token file is fixed and the operator resumes,
// the same executor re-reads the token and finishes the migration.
func TestExecutorStopsOnWrongTokenAndResumes(t *testing.T) {
	cfg := testConfig(backend(t, nil), backend(t, nil))
	srv := realDNS(t, cfg.Legacy)
	path, connect := tokenFile(t, srv, "wrong")
	first, err := connect()
	if err != nil {
		t.Fatal(err)
	}
	counted := &countingProvider{Provider: first}
	e, st := newExecutor(t, counted)
	e.Connect = connect
	e.Start = readStart(t, srv, cfg)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	stopped, err := e.Run(ctx, migrate.NewState(cfg))
	if !errors.Is(err, migrate.ErrNeedsOperator) {
		t.Fatalf("Run with a wrong token = %v, want ErrNeedsOperator", err)
	}
	for _, want := range []string{"the DNS provider refused the change", "unauthorized", "401",
		"check migration.dns.tokenFile, then resume"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if n := counted.replaces.Load(); n != 1 {
		t.Errorf("%d changes sent with the wrong token, want 1 (no retries)", n)
	}
	saved, err := st.Load(t.Context(), cfg.Domain)
	if err != nil || saved.Alert == "" || !saved.Paused || saved.Stage != migrate.StagePreview {
		t.Fatalf("saved state: stage %s paused %v alert %q (%v); want preview, paused, with the alert", saved.Stage, saved.Paused, saved.Alert, err)
	}
	if stopped.Alert != saved.Alert {
		t.Errorf("returned alert %q, saved %q", stopped.Alert, saved.Alert)
	}

	writeToken(t, path, "right")
	if _, err := st.Send(cfg.Domain, saved.ID(), migrate.Resume); err != nil {
		t.Fatal(err)
	}
	final, err := e.Run(ctx, saved)
	if err != nil || final.Stage != migrate.StageDone {
		t.Fatalf("Run after the fix = %s (%q), %v; want done", final.Stage, final.Reason, err)
	}
	rs, err := srv.Get(t.Context(), "api.example.test.", dns.TypeA)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]int{"cluster": 100}, rs.Weights()); d != "" {
		t.Errorf("DNS after the migration (-want +got):\n%s", d)
	}
}

// TestExecutorRollbackRefusedThenResumed breaks the token while the cluster
// fails at 50%: the rollback is refused, and Run stops with legacy not yet
// back (instead of retrying forever). With the token fixed, resume performs
// the rollback: legacy serves 100%.
func TestExecutorRollbackRefusedThenResumed(t *testing.T) {
	var failing atomic.Bool
	cfg := testConfig(backend(t, nil), backend(t, &failing))
	cfg.Hold = time.Second // far longer than the two failing probes a rollback takes
	srv := realDNS(t, cfg.Legacy)
	path, connect := tokenFile(t, srv, "right")
	// Reads the token file on every call, so breaking the file breaks
	// the very next change.
	p := &fileTokenProvider{connect: connect}
	e, st := newExecutor(t, p)
	e.Connect = connect
	e.Start = readStart(t, srv, cfg)
	e.Observe = func(s migrate.State) {
		if s.Weights.Cluster >= 50 && !failing.Load() {
			writeToken(t, path, "wrong")
			failing.Store(true)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	stopped, err := e.Run(ctx, migrate.NewState(cfg))
	if !errors.Is(err, migrate.ErrNeedsOperator) || stopped.Stage != migrate.StageRollingBack {
		t.Fatalf("Run = %s, %v; want rolling-back and ErrNeedsOperator", stopped.Stage, err)
	}
	if !strings.Contains(stopped.Alert, "restore-legacy") || !strings.Contains(stopped.Reason, "cluster gate failed") {
		t.Errorf("alert %q, reason %q; want the refused restore and the gate's reason", stopped.Alert, stopped.Reason)
	}
	rs, _ := srv.Get(t.Context(), "api.example.test.", dns.TypeA)
	if rs.Weights()["cluster"] != 50 {
		t.Errorf("DNS while the rollback is refused: %v, want cluster still 50", rs.Weights())
	}

	writeToken(t, path, "right")
	if _, err := st.Send(cfg.Domain, stopped.ID(), migrate.Resume); err != nil {
		t.Fatal(err)
	}
	final, err := e.Run(ctx, stopped)
	if err != nil || final.Stage != migrate.StageRolledBack || !strings.Contains(final.Reason, "cluster gate failed") {
		t.Fatalf("Run after the fix = %s (%q), %v; want rolled-back by the gate", final.Stage, final.Reason, err)
	}
	rs, err = srv.Get(t.Context(), "api.example.test.", dns.TypeA)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]int{"legacy": 100}, rs.Weights()); d != "" {
		t.Errorf("DNS after the rollback (-want +got):\n%s", d)
	}
}

// fileTokenProvider connects anew for every call.
type fileTokenProvider struct {
	connect func() (dns.Provider, error)
}

func (f *fileTokenProvider) Get(ctx context.Context, name, rrtype string) (dns.RecordSet, error) {
	p, err := f.connect()
	if err != nil {
		return dns.RecordSet{}, err
	}
	return p.Get(ctx, name, rrtype)
}

func (f *fileTokenProvider) Replace(ctx context.Context, rs dns.RecordSet, cond dns.Condition) error {
	p, err := f.connect()
	if err != nil {
		return err
	}
	return p.Replace(ctx, rs, cond)
}

func (f *fileTokenProvider) Delete(ctx context.Context, name, rrtype string, cond dns.Condition) error {
	p, err := f.connect()
	if err != nil {
		return err
	}
	return p.Delete(ctx, name, rrtype, cond)
}
