package migrate_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/server/servertest"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/migratetest"
	"ferry.dev/ferry/internal/migrate/store"
)

// recording is ferry's real DNS server, reached through its admin API as
// start reaches it, that also lists every change accepted for the domain.
type recording struct {
	dns.Provider
	mu      sync.Mutex
	changes []map[string]int
}

func newRecording(t *testing.T) *recording {
	return &recording{Provider: servertest.Client(t, servertest.Start(t, "example.test"))}
}

func (r *recording) Replace(ctx context.Context, rs dns.RecordSet, cond dns.Condition) error {
	if err := r.Provider.Replace(ctx, rs, cond); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if rs.Name == "api.example.test." {
		r.changes = append(r.changes, rs.Weights())
	}
	return nil
}

func backend(t *testing.T, failing *atomic.Bool) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if failing != nil && failing.Load() {
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

func testConfig(legacy, cluster string) migrate.Config {
	cfg := migratetest.Config("api.example.test", legacy, cluster)
	cfg.PreviewDomain = "api.k8s.example.test"
	cfg.TTL, cfg.Hold, cfg.Steps = time.Second, 100*time.Millisecond, []int{10, 50, 100}
	cfg.Gates.Interval, cfg.Gates.MinRequests = 20*time.Millisecond, 2
	cfg.Drain.TTLMultiple = 1
	return cfg
}

func newExecutor(t *testing.T, p dns.Provider) (*migrate.Executor, *store.File) {
	st, err := store.NewFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &migrate.Executor{
		Provider: p, Store: st, Commands: st, TickEvery: 10 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}, st
}

func TestExecutorMigratesAndSavesEveryStep(t *testing.T) {
	p := newRecording(t)
	cfg := testConfig(backend(t, nil), backend(t, nil))
	_ = p.Replace(t.Context(), dns.RecordSet{Name: "api.example.test.", Type: "A", TTL: 60,
		Sets: []dns.WeightedSet{{ID: "default", Weight: 1, Values: []string{"127.0.0.1"}}}}, dns.Always())
	p.changes = nil
	e, st := newExecutor(t, p)
	start, err := migrate.ReadDomain(t.Context(), p, cfg)
	if err != nil {
		t.Fatalf("Check = %v", err)
	}
	e.Start = start
	final, err := e.Run(t.Context(), migrate.NewState(cfg))
	if err != nil {
		t.Fatal(err)
	}
	if final.Stage != migrate.StageDone {
		t.Fatalf("stage %s, want done (reason %q)", final.Stage, final.Reason)
	}
	want := []map[string]int{
		{"legacy": 100, "cluster": 0}, {"legacy": 90, "cluster": 10}, {"legacy": 50, "cluster": 50},
		{"legacy": 0, "cluster": 100}, {"cluster": 100},
	}
	if d := cmp.Diff(want, p.changes); d != "" {
		t.Errorf("DNS changes (-want +got):\n%s", d)
	}
	saved, err := st.Load(t.Context(), cfg.Domain)
	if err != nil || saved.Stage != migrate.StageDone {
		t.Errorf("saved state %s, %v; want done", saved.Stage, err)
	}
}

func TestExecutorRollsBackFailingCluster(t *testing.T) {
	p := newRecording(t)
	var failing atomic.Bool
	cfg := testConfig(backend(t, nil), backend(t, &failing))
	cfg.Hold = 300 * time.Millisecond
	e, _ := newExecutor(t, p)
	e.Observe = func(s migrate.State) {
		if s.Weights.Cluster >= 50 {
			failing.Store(true)
		}
	}
	final, err := e.Run(t.Context(), migrate.NewState(cfg))
	if err != nil {
		t.Fatal(err)
	}
	if final.Stage != migrate.StageRolledBack || !strings.Contains(final.Reason, "cluster gate failed") {
		t.Fatalf("stage %s (%q), want rolled-back by the cluster gate", final.Stage, final.Reason)
	}
	rs, _ := p.Get(t.Context(), "api.example.test.", "A")
	if d := cmp.Diff(map[string]int{"legacy": 100}, rs.Weights()); d != "" {
		t.Errorf("DNS after rollback (-want +got):\n%s", d)
	}
}

func TestExecutorObeysQueuedCommands(t *testing.T) {
	p := newRecording(t)
	cfg := testConfig(backend(t, nil), backend(t, nil))
	cfg.Promotion = migrate.PromotionManual
	e, st := newExecutor(t, p)
	sent := map[int]bool{} // one command per step reached
	e.Observe = func(s migrate.State) {
		if !s.AwaitingPromotion || sent[s.Step] {
			return
		}
		sent[s.Step] = true
		cmd := migrate.Promote
		if s.Stage == migrate.StageShift && s.Weights.Cluster == 10 {
			cmd = migrate.Abort
		}
		if _, err := st.Send(cfg.Domain, s.ID(), cmd); err != nil {
			t.Error(err)
		}
	}
	final, err := e.Run(t.Context(), migrate.NewState(cfg))
	if err != nil {
		t.Fatal(err)
	}
	if final.Stage != migrate.StageAborted || final.Weights.Cluster != 10 {
		t.Errorf("stage %s at %s, want aborted at cluster 10", final.Stage, final.Weights)
	}
}
