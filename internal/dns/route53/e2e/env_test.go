package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	clidns "ferry.dev/ferry/internal/cli/dns"
	climigrate "ferry.dev/ferry/internal/cli/migrate"
	"ferry.dev/ferry/internal/dns/route53/r53test"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/migratetest"
	"ferry.dev/ferry/internal/migrate/store"
)

// moto is the package's moto_server, started by TestMain.
var moto *r53test.Moto

func TestMain(m *testing.M) {
	os.Exit(r53test.Main(m, func(m *r53test.Moto) { moto = m }))
}

// backend answers 200, or 503 once failing is set.
type backend struct{ failing atomic.Bool }

func (b *backend) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	if b.failing.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ok")
}

// env is one migration of its own domain in its own hosted zone.
type env struct {
	legacy, cluster backend
	zoneID, domain  string
	file            string
	st              *store.File
	proxy           *r53test.Proxy
}

// migrationFile is a Route 53 migration with short holds and fast gates;
// its blanks are filled from a shape.
const migrationFile = `apiVersion: ferry.dev/v1alpha1
kind: Services
migration:
  ttl: %s
  steps: %s
  hold: %s
  gates: {interval: 100ms, window: 1s, minRequests: 5, failures: 3, p99Latency: 2s, paths: [/healthz, /]}
  dns: {provider: route53, endpoint: "%s", retryFor: 5s}
  drain: {ttlMultiple: 1}
services:
  api:
    image: registry.example.com/api:1
    port: 8080
    domain: %s
    health: /healthz
    legacy: {address: %s, port: %d%s}
    cluster: {address: 127.0.0.3, port: %d}
`

// shape is what differs between the migrations the tests run.
type shape struct {
	ttl, steps, hold string
	// legacyIP is where the legacy backend listens; legacyAddress is how
	// the file names it, and legacyAlias its alias setting, if any.
	legacyIP, legacyAddress, legacyAlias string
	// plain is the ResourceRecordSet JSON (less Name) of the record the
	// AWS CLI creates first, as Terraform would.
	plain string
}

// plainShape is a plain A record at legacy (127.0.0.2), TTL 1 s, steps
// 10, 50, 100.
func plainShape(hold string) shape {
	return shape{ttl: "1s", steps: "[10, 50, 100]", hold: hold, legacyIP: "127.0.0.2", legacyAddress: "127.0.0.2",
		plain: `"Type":"A","TTL":1,"ResourceRecords":[{"Value":"127.0.0.2"}]`}
}

// newEnv creates a zone and, with the AWS CLI as Terraform would, the
// domain's plain A record at legacy; ferry talks to moto through a proxy.
func newEnv(t *testing.T, name, hold string) *env {
	t.Helper()
	return newEnvOf(t, name, plainShape(hold))
}

// newEnvOf is newEnv for a migration of shape sh.
func newEnvOf(t *testing.T, name string, sh shape) *env {
	t.Helper()
	e := &env{}
	zone := name + ".r53.test"
	var err error
	if e.zoneID, err = r53test.CreateZone(t.Context(), moto.URL, zone); err != nil {
		t.Fatal(err)
	}
	e.domain = "api." + zone
	plain := fmt.Sprintf(`{"Changes":[{"Action":"CREATE","ResourceRecordSet":{"Name":%q,%s}}]}`, e.domain, sh.plain)
	if err := r53test.ChangeBatch(t.Context(), moto.URL, e.zoneID, plain); err != nil {
		t.Fatal(err)
	}
	if e.proxy, err = r53test.NewProxy(moto.URL); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.proxy.Close)
	port := migratetest.ServePair(t, sh.legacyIP, &e.legacy, &e.cluster)
	dir := t.TempDir()
	e.file = filepath.Join(dir, "ferry.yaml")
	body := fmt.Sprintf(migrationFile, sh.ttl, sh.steps, sh.hold, e.proxy.URL, e.domain, sh.legacyAddress, port, sh.legacyAlias, port)
	if err := os.WriteFile(e.file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	e.st = &store.File{Dir: filepath.Join(dir, ".ferry")}
	return e
}

// migrateCmd runs `ferry migrate args…` in process; it returns the exit
// code and everything printed.
func migrateCmd(ctx context.Context, args ...string) (int, string) {
	return runCmd(ctx, climigrate.NewCommand, args...)
}

// dnsCmd runs `ferry dns args…` in process.
func dnsCmd(ctx context.Context, args ...string) (int, string) {
	return runCmd(ctx, clidns.NewCommand, args...)
}

func runCmd(ctx context.Context, newCmd func(clio.Streams) *cobra.Command, args ...string) (int, string) {
	var out, errb bytes.Buffer
	cmd := newCmd(clio.Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errb})
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.ExecuteContext(ctx)
	msg := out.String() + errb.String()
	if err != nil {
		msg += err.Error()
	}
	return clio.Code(err), msg
}

type result struct {
	code int
	msg  string
}

// start runs `ferry migrate start api` in the background.
func (e *env) start(ctx context.Context) <-chan result {
	ch := make(chan result, 1)
	go func() {
		code, msg := migrateCmd(ctx, "-f", e.file, "start", "api")
		ch <- result{code, msg}
	}()
	return ch
}

func (e *env) waitState(t *testing.T, ok func(migrate.State) bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if s, err := e.st.Load(t.Context(), e.domain); err == nil && ok(s) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the migration did not reach the expected state within 60s")
}

// weights are the domain's A record sets as the AWS CLI lists them: set
// id → weight, -1 for a plain record (id "").
func (e *env) weights(t *testing.T) map[string]int64 {
	t.Helper()
	w, err := e.list(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// list is weights for any goroutine: it returns its error.
func (e *env) list(ctx context.Context) (map[string]int64, error) {
	return r53test.Weights(ctx, moto.URL, e.zoneID, e.domain, "A")
}

func checkExit(t *testing.T, what string, r result, want int, says ...string) {
	t.Helper()
	if r.code != want {
		t.Errorf("%s exited %d, want %d:\n%s", what, r.code, want, r.msg)
	}
	for _, s := range says {
		if !strings.Contains(r.msg, s) {
			t.Errorf("%s does not say %q:\n%s", what, s, r.msg)
		}
	}
}
