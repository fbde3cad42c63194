package externaldns_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/externaldns"
	"ferry.dev/ferry/internal/dns/server/servertest"
	"ferry.dev/ferry/internal/dns/webhook"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/migratetest"
	"ferry.dev/ferry/internal/migrate/store"
	"ferry.dev/ferry/internal/testcluster"
)

// externalDNSProcess is a real external-dns running until stopped: it reads
// DNSEndpoints in one namespace (--source=crd) and publishes them into
// ferry's DNS server through the webhook.
type externalDNSProcess struct {
	bin, kubeconfig, ns, url string
	syncing                  chan struct{} // see watch
	mu                       sync.Mutex
	cmd                      *exec.Cmd
	exited                   chan struct{} // closed once cmd has exited
	log                      strings.Builder
}

// watch wraps the webhook external-dns publishes through. A GET /records
// is external-dns beginning a synchronisation, which it only does once
// its sources have filled their caches: from then on a change to a
// DNSEndpoint is published within a loop or two.
func (x *externalDNSProcess) watch(h http.Handler) http.Handler {
	x.syncing = make(chan struct{}, 1)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/records" {
			select {
			case x.syncing <- struct{}{}:
			default:
			}
		}
		h.ServeHTTP(w, r)
	})
}

// start starts external-dns and returns once it synchronises (watch).
// Starting a 200 MB binary that fills its caches from the API server
// takes seconds, more on a loaded machine; waiting for it here keeps that
// out of the time the migration gives each step to be published.
func (x *externalDNSProcess) start(t *testing.T) {
	t.Helper()
	x.mu.Lock()
	select {
	case <-x.syncing: // a sync of the process stopped before
	default:
	}
	x.cmd = exec.Command(x.bin, testcluster.ExternalDNSArgs("--source=crd", "--provider=webhook", "--webhook-provider-url="+x.url,
		"--kubeconfig="+x.kubeconfig, "--namespace="+x.ns, "--registry=txt", "--txt-owner-id=ferry-test",
		"--domain-filter=example.test", "--interval=1s", "--events", "--min-event-sync-interval=100ms")...)
	x.cmd.Stdout, x.cmd.Stderr = &lockedWriter{mu: &x.mu, b: &x.log}, &lockedWriter{mu: &x.mu, b: &x.log}
	err := x.cmd.Start()
	cmd, exited := x.cmd, make(chan struct{})
	x.exited = exited
	x.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = cmd.Wait(); close(exited) }()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	select {
	case <-x.syncing:
	case <-exited:
		t.Fatalf("external-dns exited before its first synchronisation: %v", cmd.ProcessState)
	case <-ctx.Done():
		t.Fatalf("external-dns did not begin synchronising: %v", ctx.Err())
	}
}

func (x *externalDNSProcess) stop() {
	x.mu.Lock()
	cmd, exited := x.cmd, x.exited
	x.mu.Unlock()
	if cmd != nil && cmd.Process != nil {
		_ = cmd.Process.Kill()
		<-exited
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *strings.Builder
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// TestMigrationThroughExternalDNS runs a whole migration with the
// external-dns provider: ferry writes DNSEndpoints, a real external-dns
// publishes them through the webhook into ferry's DNS server, and each step
// counts only once it reads back there. external-dns stopped mid-shift: the
// step is never reported made, the migration pauses with a message naming
// external-dns, and with external-dns back, resume finishes it.
func TestMigrationThroughExternalDNS(t *testing.T) {
	c, dyn, ns := cluster(t)
	bin, _ := testcluster.ExternalDNS(t)
	srv := servertest.Start(t, "example.test")
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	x := &externalDNSProcess{bin: bin, kubeconfig: c.Kubeconfig, ns: ns}
	hook := httptest.NewServer(x.watch(webhook.New(servertest.Client(t, srv), []string{"example.test"}, 30, quiet)))
	t.Cleanup(hook.Close)
	x.url = hook.URL
	t.Cleanup(x.stop)
	defer func() {
		if t.Failed() {
			x.mu.Lock()
			t.Logf("external-dns's log:\n%s", x.log.String())
			x.mu.Unlock()
		}
	}()
	x.start(t)

	// A change unpublished for publishWait is retried a second later for
	// another publishWait; dns.retryFor equal to publishWait allows no
	// third try, so with external-dns stopped the migration pauses after
	// about twice publishWait. A running external-dns (a loop a second,
	// woken at once by the change) has that long to publish each step,
	// plenty on a loaded machine: 4 s, retried for 5 s, was not always.
	const publishWait = 15 * time.Second
	p := externaldns.New(externaldns.Options{Client: dyn, Namespace: ns, Published: servertest.Client(t, srv),
		Weight: externaldns.WebhookWeight, Wait: publishWait, Poll: 100 * time.Millisecond})
	cfg := migratetest.Config("api.example.test", backend(t), backend(t))
	cfg.DNS.Provider = "external-dns"
	cfg.TTL, cfg.Hold, cfg.Steps, cfg.Drain.TTLMultiple = time.Second, 300*time.Millisecond, []int{10, 50, 100}, 1
	cfg.Gates.Interval, cfg.Gates.Window, cfg.DNS.RetryFor = 100*time.Millisecond, time.Second, publishWait
	st, err := store.NewFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	ex := &migrate.Executor{Provider: p, Store: st, Commands: st, Logger: quiet, Observe: func(s migrate.State) {
		if s.Weights.Cluster == 10 && !stopped {
			stopped = true
			x.stop() // external-dns goes away with the split at 90/10
		}
	}}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	paused, err := ex.Run(ctx, migrate.NewState(cfg))
	if err == nil || !strings.Contains(paused.Alert, "external-dns has not published") || paused.Weights.Cluster != 10 {
		t.Fatalf("Run with external-dns stopped = %s at %s, %v (alert %q); want paused at 10%% naming external-dns",
			paused.Stage, paused.Weights, err, paused.Alert)
	}
	if rs, err := srv.Get(t.Context(), "api.example.test.", dns.TypeA); err != nil || rs.Weights()["cluster"] != 10 {
		t.Fatalf("published while paused: %v, %v; want cluster still at 10", rs.Weights(), err)
	}

	x.start(t)
	if _, err := st.Send(cfg.Domain, paused.ID(), migrate.Resume); err != nil {
		t.Fatal(err)
	}
	final, err := ex.Run(ctx, paused)
	if err != nil || final.Stage != migrate.StageDone {
		t.Fatalf("Run after external-dns came back = %s (%q), %v; want done", final.Stage, final.Alert, err)
	}
	rs, err := srv.Get(t.Context(), "api.example.test.", dns.TypeA)
	if err != nil || fmt.Sprint(rs.Weights()) != "map[cluster:100]" {
		t.Errorf("published at the end: %v, %v; want the cluster alone", rs.Weights(), err)
	}
}

func backend(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") }))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}
