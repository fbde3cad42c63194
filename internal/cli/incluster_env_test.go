package cli_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"ferry.dev/ferry/internal/cli"
	"ferry.dev/ferry/internal/cli/clitest"
	"ferry.dev/ferry/internal/controller"
	"ferry.dev/ferry/internal/controller/controllertest"
	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/providers"
	"ferry.dev/ferry/internal/dns/server"
	"ferry.dev/ferry/internal/dns/server/servertest"
	"ferry.dev/ferry/internal/migrate/migratetest"
	"ferry.dev/ferry/internal/testcluster"
)

// clusterEnv is the world of one in-cluster test: the shared cluster with
// ferry's CRDs, a namespace of its own, ferry's DNS server, legacy and
// cluster backends on 127.0.0.2 and 127.0.0.3, and a token file.
type clusterEnv struct {
	c     *testcluster.Cluster
	cl    client.Client
	ns    string
	srv   *server.Server
	port  int
	token string
	dir   string
}

func newClusterEnv(t *testing.T) *clusterEnv {
	t.Helper()
	c, cl := controllertest.Start(t)
	e := &clusterEnv{c: c, cl: cl, ns: c.Namespace(t), srv: servertest.Start(t, "cli.test"), dir: t.TempDir()}
	e.port = migratetest.ServePair(t, "127.0.0.2", migratetest.OK, migratetest.OK)
	e.token = filepath.Join(e.dir, "dns.token")
	if err := os.WriteFile(e.token, []byte(servertest.Token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return e
}

// ferry runs the CLI entry point against the env's cluster and namespace.
func (e *clusterEnv) ferry(t *testing.T, args ...string) clitest.Result {
	t.Helper()
	return clitest.Run(t, cli.Run, append(args, "--kubeconfig", e.c.Kubeconfig, "-n", e.ns)...)
}

// runController runs one in-process controller, as the controller's own
// tests do (no leader election), until the test ends.
func (e *clusterEnv) runController(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.WithoutCancel(t.Context()))
	done := make(chan error, 1)
	go func() {
		done <- controller.Run(ctx, controller.Options{
			Config: e.c.RESTConfig(), Namespace: e.ns, Identity: "cli-test-controller",
			Providers: providers.Registry(), Logger: slog.New(slog.NewTextHandler(testLog{t}, nil)),
		})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("controller: %v", err)
		}
	})
}

type testLog struct{ t *testing.T }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Log(string(p[:len(p)-1]))
	return len(p), nil
}

// migrationFile is a service file migrating domain from legacy to the
// cluster backends with fast gates, holds of hold and the given
// promotion, its state beside it. Its latency limit is far above
// loopback's: no test here slows a side, and on a loaded CI machine (load
// 7 on 2 cores) probes saw p99s of 200-250 ms, failing a healthy run.
func (e *clusterEnv) migrationFile(t *testing.T, name, domain, hold, promotion string) string {
	t.Helper()
	err := e.srv.Replace(t.Context(), dns.RecordSet{Name: domain + ".", Type: dns.TypeA, TTL: 1,
		Sets: []dns.WeightedSet{{ID: "default", Weight: 1, Values: []string{"127.0.0.2"}}}}, dns.Always())
	if err != nil {
		t.Fatal(err)
	}
	body := fmt.Sprintf(`apiVersion: ferry.dev/v1alpha1
kind: Services
migration:
  dns: {provider: ferry, server: "%s", tokenFile: "%s", retryFor: 2s}
  ttl: 1s
  steps: [10, 50, 100]
  hold: %s
  promotion: %s
  lease: 15s
  gates: {interval: 100ms, window: 1s, minRequests: 5, failures: 3, p99Latency: 2s, paths: [/healthz, /]}
  drain: {ttlMultiple: 1}
services:
  api:
    image: registry.example.com/api:1
    port: 8080
    domain: %s
    health: /healthz
    legacy: {address: 127.0.0.2, port: %d}
    cluster: {address: 127.0.0.3, port: %d}
`, e.srv.AdminURL(), e.token, hold, promotion, domain, e.port, e.port)
	dir := filepath.Join(e.dir, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "ferry.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// weights is domain's weighted record as ferry's DNS server holds it.
func (e *clusterEnv) weights(t *testing.T, domain string) map[string]int {
	t.Helper()
	rs, err := e.srv.Get(t.Context(), domain+".", dns.TypeA)
	if err != nil {
		t.Fatal(err)
	}
	return rs.Weights()
}
