package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

	"ferry.dev/ferry/internal/cli/clitest"
	climigrate "ferry.dev/ferry/internal/cli/migrate"
	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/externaldns"
	"ferry.dev/ferry/internal/dns/route53/r53test"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/migratetest"
	"ferry.dev/ferry/internal/migrate/store"
	"ferry.dev/ferry/internal/testcluster"
)

// env is one migration of api.<zone> in a hosted zone and a namespace
// of its own.
type env struct {
	c            *testcluster.Cluster
	dyn          dynamic.Interface
	ns           string
	zone, zoneID string
	domain       string
	file         string
	st           *store.File
}

// migrationFile is a manual-promotion migration through external-dns,
// read back from moto: every step waits for the test's promote, so the
// AWS CLI reads each step while the migration stands on it.
const migrationFile = `apiVersion: ferry.dev/v1alpha1
kind: Services
defaults:
  externalDNS: {annotationPrefix: %s}
migration:
  ttl: 1s
  steps: [10, 50, 100]
  hold: 0s
  promotion: manual
  gates: {interval: 100ms, window: 1s, minRequests: 3, failures: 3, p99Latency: 2s, paths: [/healthz, /]}
  dns: {provider: external-dns, namespace: %s, publishesTo: aws, hostedZoneId: %s, endpoint: %q, txtOwnerId: %s, retryFor: 30s}
  drain: {ttlMultiple: 1}
services:
  api:
    image: registry.example.com/api:1
    port: 8080
    domain: %s
    health: /healthz
    legacy: {address: 127.0.0.2, port: %d}
    cluster: {address: 127.0.0.3, port: %d}
`

func newEnv(t *testing.T, name string) *env {
	t.Helper()
	e := &env{zone: name + ".xdns.test"}
	e.c, e.dyn, e.ns = cluster(t)
	var err error
	if e.zoneID, err = r53test.CreateZone(t.Context(), moto.URL, e.zone); err != nil {
		t.Fatal(err)
	}
	e.domain = "api." + e.zone
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	port := migratetest.ServePair(t, "127.0.0.2", ok, ok)
	dir := t.TempDir()
	e.file = filepath.Join(dir, "ferry.yaml")
	body := fmt.Sprintf(migrationFile, Prefix, e.ns, e.zoneID, moto.URL, OwnerID, e.domain, port, port)
	if err := os.WriteFile(e.file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	e.st = &store.File{Dir: filepath.Join(dir, ".ferry")}
	t.Setenv("KUBECONFIG", e.c.Kubeconfig)
	return e
}

// migrate runs `ferry migrate args… -f file` in process.
func (e *env) migrate(t *testing.T, args ...string) clitest.Result {
	return clitest.Run(t, clitest.Command(climigrate.NewCommand), append(args, "-f", e.file)...)
}

// start runs `ferry migrate start api` in the background.
func (e *env) start(t *testing.T) *run {
	r := &run{done: make(chan clitest.Result, 1)}
	go func() { r.done <- e.migrate(t, "start", "api") }()
	return r
}

// run is a `migrate start` running in the background.
type run struct {
	done   chan clitest.Result
	result *clitest.Result
}

// exited returns the result once the command has exited.
func (r *run) exited() *clitest.Result {
	if r.result == nil {
		select {
		case res := <-r.done:
			r.result = &res
		default:
		}
	}
	return r.result
}

// wait waits for the command to exit.
func (r *run) wait() clitest.Result {
	if r.result == nil {
		res := <-r.done
		r.result = &res
	}
	return *r.result
}

// waitState waits for a saved state that ok accepts while r runs, and
// returns it.
func (e *env) waitState(t *testing.T, r *run, what string, ok func(migrate.State) bool) migrate.State {
	t.Helper()
	var s migrate.State
	eventually(t, what, func() (bool, string) {
		if res := r.exited(); res != nil {
			t.Fatalf("%s: migrate start exited %d:\n%s%s", what, res.Code, res.Stdout, res.Stderr)
		}
		var err error
		if s, err = e.st.Load(t.Context(), e.domain); err != nil {
			return false, err.Error()
		}
		return ok(s), fmt.Sprintf("%s at %s, %d pending, alert %q", s.Stage, s.Weights, len(s.Pending), s.Alert)
	})
	return s
}

// awaiting waits for the migration to stand on a step waiting for
// promotion, its change made, and returns the state.
func (e *env) awaiting(t *testing.T, r *run, stage migrate.Stage, w migrate.Weights) migrate.State {
	t.Helper()
	return e.waitState(t, r, fmt.Sprintf("awaiting promotion in %s at %s", stage, w), func(s migrate.State) bool {
		return s.Stage == stage && s.Weights == w && len(s.Pending) == 0 && s.AwaitingPromotion
	})
}

func (e *env) send(t *testing.T, s migrate.State, kind migrate.CommandKind) {
	t.Helper()
	if _, err := e.st.Send(e.domain, s.ID(), kind); err != nil {
		t.Fatal(err)
	}
}

// weights are name's record sets of type rrtype as the AWS CLI lists
// them: set id → weight, -1 for a plain record (id "").
func (e *env) weights(t *testing.T, name, rrtype string) map[string]int64 {
	t.Helper()
	w, err := r53test.Weights(t.Context(), moto.URL, e.zoneID, name, rrtype)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// checkWeights compares the domain's A sets in moto with want.
func (e *env) checkWeights(t *testing.T, when string, want map[string]int64) {
	t.Helper()
	if d := cmp.Diff(want, e.weights(t, e.domain, dns.TypeA)); d != "" {
		t.Errorf("%s: the AWS CLI reads from moto (-want +got):\n%s", when, d)
	}
}

// published waits until moto holds want for name's A record.
func (e *env) published(t *testing.T, name string, want map[string]int64) {
	t.Helper()
	eventually(t, "external-dns publishing "+name, func() (bool, string) {
		got := e.weights(t, name, dns.TypeA)
		return cmp.Equal(want, got), fmt.Sprint(got)
	})
}

// owners are the registry records of the domain's A record: set id →
// their text, as the AWS CLI lists them.
func (e *env) owners(t *testing.T) map[string]externaldns.Owner {
	t.Helper()
	txt := externaldns.Registry{}.TXTName(e.domain, dns.TypeA)
	sets, err := r53test.List(t.Context(), moto.URL, e.zoneID, txt, dns.TypeTXT)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]externaldns.Owner{}
	for _, s := range sets {
		for _, r := range s.ResourceRecords {
			o, _ := externaldns.ParseOwner(r.Value)
			out[s.SetIdentifier] = o
		}
	}
	return out
}

// dnsEndpoint is ferry's DNSEndpoint for the domain.
func (e *env) dnsEndpoint(t *testing.T) *unstructured.Unstructured {
	t.Helper()
	u, err := e.dyn.Resource(externaldns.GVR).Namespace(e.ns).Get(t.Context(), externaldns.ObjectName(e.domain, dns.TypeA), metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func checkExit(t *testing.T, what string, r clitest.Result, want int, says ...string) {
	t.Helper()
	out := r.Stdout + r.Stderr
	if r.Code != want {
		t.Errorf("%s exited %d, want %d:\n%s", what, r.Code, want, out)
	}
	for _, s := range says {
		if !strings.Contains(out, s) {
			t.Errorf("%s does not say %q:\n%s", what, s, out)
		}
	}
}

// since is how long ago began was, for the figures tests log.
func since(began time.Time) time.Duration { return time.Since(began).Round(10 * time.Millisecond) }
