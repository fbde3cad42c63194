package migration_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/controller"
	"ferry.dev/ferry/internal/controller/controllertest"
	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/providers"
	"ferry.dev/ferry/internal/dns/server"
	"ferry.dev/ferry/internal/dns/server/servertest"
	"ferry.dev/ferry/internal/migrate/migratetest"
	"ferry.dev/ferry/internal/testcluster"
)

// env is one migration's world: the shared cluster with ferry's CRDs, a
// namespace, ferry's DNS server holding the domain (pointing at legacy),
// and legacy and cluster backends on 127.0.0.2 and 127.0.0.3 (one port).
type env struct {
	c      *testcluster.Cluster
	cl     client.Client
	ns     string
	srv    *server.Server
	domain string
	port   int
	token  string
	log    logBuffer // every controller's log, for what must never be in it
}

func newEnv(t *testing.T, name string) *env {
	t.Helper()
	c, cl := controllertest.Start(t)
	e := &env{c: c, cl: cl, ns: c.Namespace(t), srv: servertest.Start(t, "ctl.test"), domain: name + ".ctl.test"}
	err := e.srv.Replace(t.Context(), dns.RecordSet{Name: e.domain + ".", Type: dns.TypeA, TTL: 1,
		Sets: []dns.WeightedSet{{ID: "default", Weight: 1, Values: []string{"127.0.0.2"}}}}, dns.Always())
	if err != nil {
		t.Fatal(err)
	}
	e.port = migratetest.ServePair(t, "127.0.0.2", migratetest.OK, migratetest.OK)
	e.token = filepath.Join(t.TempDir(), "dns.token")
	if err := os.WriteFile(e.token, []byte(servertest.Token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return e
}

func ptr[T any](v T) *T { return &v }

// migration is a Migration of the env's domain with fast gates, holds of
// hold and the given promotion.
func (e *env) migration(name, hold, promotion string) *v1alpha1.MigrationResource {
	return &v1alpha1.MigrationResource{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: e.ns},
		Spec: v1alpha1.MigrationSpec{
			Service: "api", Domain: e.domain, Health: "/healthz",
			Legacy:  v1alpha1.Endpoint{Address: "127.0.0.2", Port: ptr(e.port)},
			Cluster: v1alpha1.Endpoint{Address: "127.0.0.3", Port: ptr(e.port)},
			Settings: &v1alpha1.Migration{
				TTL: "1s", Steps: []int{10, 50, 100}, Hold: hold, Promotion: promotion, Lease: "15s",
				// No test here judges latency: a loopback p99 passed 200 ms in
				// a cold CI run (compilers on both cores), and the legacy
				// alert that raised took the status message a test reads.
				Gates: &v1alpha1.Gates{Interval: "100ms", Window: "1s", MinRequests: ptr(5), Failures: ptr(3), P99Latency: "5s", Paths: []string{"/healthz", "/"}},
				DNS:   &v1alpha1.DNSProvider{Provider: "ferry", Server: e.srv.AdminURL(), TokenFile: e.token, RetryFor: "2s"},
				Drain: &v1alpha1.Drain{TTLMultiple: ptr(1)},
			},
		},
	}
}

// weights is the domain's weighted record as ferry's DNS server holds it.
func (e *env) weights(t *testing.T) map[string]int {
	t.Helper()
	rs, err := e.srv.Get(t.Context(), e.domain+".", dns.TypeA)
	if err != nil {
		t.Fatal(err)
	}
	return rs.Weights()
}

// runController runs one in-process controller (no leader election)
// until the test ends.
func runController(t *testing.T, e *env, identity string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.WithoutCancel(t.Context()))
	done := make(chan error, 1)
	go func() {
		done <- controller.Run(ctx, controller.Options{
			Config: e.c.RESTConfig(), Namespace: e.ns, Identity: identity,
			Providers: providers.Registry(), Logger: slog.New(slog.NewTextHandler(io.MultiWriter(testWriter{t}, &e.log), nil)),
		})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("controller: %v", err)
		}
	})
}

// logBuffer keeps what the controllers log.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testWriter sends the controller's log to the test's.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p[:len(p)-1]))
	return len(p), nil
}

// await polls the object until ok says it is there; it fails the test
// when the test's context ends first.
func (e *env) await(t *testing.T, name, what string, ok func(*v1alpha1.MigrationResource) bool) *v1alpha1.MigrationResource {
	t.Helper()
	m := &v1alpha1.MigrationResource{}
	// A bound on liveness, not on speed: a stuck reconciler fails with its
	// last status instead of hanging until go test's timeout.
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	for {
		if err := e.cl.Get(t.Context(), types.NamespacedName{Namespace: e.ns, Name: name}, m); err == nil && ok(m) {
			return m
		}
		if c := meta.FindStatusCondition(m.Status.Conditions, "Valid"); c != nil && c.Status == "False" {
			t.Fatalf("waiting for %s: the controller refused the settings: %s", what, c.Message)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v; last status: stage %s weights %+v message %q conditions %+v", what, ctx.Err(),
				m.Status.Stage, m.Status.Weights, m.Status.Message, m.Status.Conditions)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
