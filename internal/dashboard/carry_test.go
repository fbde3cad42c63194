package dashboard_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/dashboard"
	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/server/servertest"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/migratetest"
	"ferry.dev/ferry/internal/migrate/store"
)

// TestRollbackCarriedOutWhenNothingRuns: a migration stopped at 50% (its
// `ferry migrate start` gone) is rolled back from the dashboard, which
// opens the migration itself, as `ferry migrate rollback` would: ferry's
// real DNS server then answers legacy alone.
func TestRollbackCarriedOutWhenNothingRuns(t *testing.T) {
	dnsSrv := servertest.Start(t, "example.test")
	stateDir := filepath.Join(t.TempDir(), ".ferry")
	if err := os.WriteFile(filepath.Join(filepath.Dir(stateDir), "dns.token"), []byte(servertest.Token), 0o600); err != nil {
		t.Fatal(err)
	}
	seed := dns.RecordSet{Name: domain + ".", Type: dns.TypeA, TTL: 1, Sets: []dns.WeightedSet{{ID: "default", Weight: 1, Values: []string{"127.0.0.2"}}}}
	if err := dnsSrv.Replace(t.Context(), seed, dns.Always()); err != nil {
		t.Fatal(err)
	}
	port := backends(t)
	cfg := migratetest.Config(domain, "127.0.0.2:"+port, "127.0.0.3:"+port)
	cfg.Steps, cfg.Hold, cfg.Promotion, cfg.TTL = []int{50, 100}, 0, migrate.PromotionManual, time.Second
	cfg.Gates.Interval, cfg.Gates.Window = 100*time.Millisecond, time.Second
	cfg.DNS.Server, cfg.DNS.TokenFile = dnsSrv.AdminURL(), "dns.token"
	local, err := dashboard.NewLocal(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	stopAtHalf(t, local, cfg, stateDir)
	if rs, err := dnsSrv.Get(t.Context(), domain+".", dns.TypeA); err != nil || !cmp.Equal(rs.Weights(), map[string]int{"legacy": 50, "cluster": 50}) {
		t.Fatalf("DNS when stopped: %v (%v), want legacy 50, cluster 50", rs.Weights(), err)
	}

	srv, err := dashboard.New(dashboard.Options{Sources: []dashboard.Source{local}})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{dir: stateDir, srv: srv, ts: httptest.NewServer(srv.Handler())}
	t.Cleanup(f.ts.Close)
	f.csrf = f.pageCSRF(t, "")
	code, body, _ := f.do(t, http.MethodPost, "/api/migrations/0/"+domain+"/rollback", map[string]string{"X-Ferry-CSRF": f.csrf})
	if code != http.StatusOK || !strings.Contains(body, "rollback carried out here") || !strings.Contains(body, "ended rolled-back") {
		t.Fatalf("rollback with nothing running = %d %s, want it carried out", code, body)
	}
	rs, err := dnsSrv.Get(t.Context(), domain+".", dns.TypeA)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]int{"legacy": 100}, rs.Weights()); d != "" {
		t.Errorf("DNS after the rollback (-want +got):\n%s", d)
	}
}

// stopAtHalf runs cfg's migration in this process, promotes it (through
// the dashboard's source, as the page would) to its first step, 50%, and
// stops it there: state saved, lock released, nothing running it.
func stopAtHalf(t *testing.T, local *dashboard.Local, cfg migrate.Config, stateDir string) {
	t.Helper()
	st, err := store.NewFile(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := dashboard.RegistryConnector(filepath.Dir(stateDir))(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	states := make(chan migrate.State, 4096)
	sess, err := migrate.OpenSession(t.Context(), migrate.SessionOptions{
		Config: cfg, Store: st, Commands: st, Provider: p, Holder: "test", Observe: func(s migrate.State) { states <- s },
		Lock: func(d string) (func() error, error) {
			l, err := st.Lock(d, store.Holder{PID: os.Getpid(), Command: "test"})
			if err != nil {
				return nil, err
			}
			return l.Unlock, nil
		},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(t.Context())
	ran := make(chan error, 1)
	go func() { _, err := sess.Run(ctx); ran <- err }()
	promoted := false
	for s := range states {
		if s.AwaitingPromotion && s.Weights.Cluster == 50 {
			break
		}
		if s.AwaitingPromotion && !promoted {
			// Preview has held: promote adopts the record and sets the
			// first step at once.
			promoted = true
			go func() { _, _ = local.Control(t.Context(), domain, migrate.Promote) }()
		}
	}
	stop()
	<-ran
	if err := sess.Close(); err != nil {
		t.Fatal(err)
	}
}

// backends serves 200s on 127.0.0.2 and 127.0.0.3 at one port, like a
// domain's two load balancers, and returns the port.
func backends(t *testing.T) string {
	t.Helper()
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	for range 20 {
		a, err := net.Listen("tcp", "127.0.0.2:0")
		if err != nil {
			t.Fatal(err)
		}
		port := strconv.Itoa(a.Addr().(*net.TCPAddr).Port)
		b, err := net.Listen("tcp", "127.0.0.3:"+port)
		if err != nil {
			_ = a.Close() // taken on the other address; try another
			continue
		}
		for _, ln := range []net.Listener{a, b} {
			s := &http.Server{Handler: ok, ReadHeaderTimeout: time.Second}
			go func() { _ = s.Serve(ln) }()
			t.Cleanup(func() { _ = s.Close() })
		}
		return port
	}
	t.Fatal("no port free on both 127.0.0.2 and 127.0.0.3")
	return ""
}
