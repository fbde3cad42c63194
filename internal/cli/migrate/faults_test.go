package migrate_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/server"
	"ferry.dev/ferry/internal/dns/server/servertest"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/migratetest"
	"ferry.dev/ferry/internal/migrate/store"
)

// mode is how a switchable backend answers.
type mode int32

const (
	healthy mode = iota
	failEverySecond
	failEveryThird
	failRandom20
	slow200
	down // every request 503
)

// switchable is a real HTTP server on loopback whose behaviour a test
// switches at run time, counting the probes it fails and when.
type switchable struct {
	mode    atomic.Int32
	n       atomic.Int64
	mu      sync.Mutex
	rng     *rand.Rand
	failed  []time.Time // ferry's probes answered badly
	delayed time.Duration
}

func (b *switchable) set(m mode) { b.mode.Store(int32(m)) }

func (b *switchable) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := b.n.Add(1)
	bad := false
	switch mode(b.mode.Load()) {
	case failEverySecond:
		bad = n%2 == 0
	case failEveryThird:
		bad = n%3 == 0
	case failRandom20:
		b.mu.Lock()
		bad = b.rng.IntN(5) == 0
		b.mu.Unlock()
	case slow200:
		time.Sleep(b.delayed)
		b.note(r) // slow counts as bad for the p99 gate
	case down:
		bad = true
	}
	if bad {
		b.note(r)
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ok")
}

func (b *switchable) note(r *http.Request) {
	if r.UserAgent() != "ferry-probe" {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failed = append(b.failed, time.Now())
}

// badProbesBetween counts probes answered badly in [from, to].
func (b *switchable) badProbesBetween(from, to time.Time) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, at := range b.failed {
		if !at.Before(from) && !at.After(to) {
			n++
		}
	}
	return n
}

// faultEnv is one migration of its own domain: ferry's real DNS server,
// a legacy and a cluster backend on 127.0.0.2 and 127.0.0.3 (one port),
// a service file and a state directory.
type faultEnv struct {
	srv             *server.Server
	legacy, cluster *switchable
	domain, file    string
	dir             string
	st              *store.File
}

// faultFile is the migration the fault tests run: short holds and a
// fast gate (a 1 s window of 100 ms evaluations, 3 failing in a row act).
// Its p99 limit is the test's: 200 ms where a slow side must fail (the slow
// mode answers in 400 ms), 1 s where nothing is slowed, above what loopback
// probes take on a loaded machine (200-360 ms seen in CI, which rolled back
// runs meant to finish).
const faultFile = `apiVersion: ferry.dev/v1alpha1
kind: Services
migration:
  ttl: 1s
  steps: [10, 50, 100]
  hold: %s
  gates: {interval: 100ms, window: 1s, minRequests: 5, failures: 3, p99Latency: %s, paths: [/healthz, /]}
  dns: {provider: ferry, server: "%s", tokenFile: "%s", retryFor: 2s}
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

// newFaultEnv is a fault test's migration with nothing slowed (a 1 s p99).
func newFaultEnv(t *testing.T, name, hold string) *faultEnv {
	t.Helper()
	return newFaultEnvOn(t, name, hold, "1s", servertest.Start(t, "fault.test"))
}

// newFaultEnvOn is a fault test's migration with a p99 limit of p99 on the
// DNS server srv (zone fault.test).
func newFaultEnvOn(t *testing.T, name, hold, p99 string, srv *server.Server) *faultEnv {
	t.Helper()
	e := &faultEnv{legacy: newSwitchable(1), cluster: newSwitchable(2), dir: t.TempDir(), srv: srv}
	e.domain = name + ".fault.test"
	err := e.srv.Replace(t.Context(), dns.RecordSet{Name: e.domain + ".", Type: dns.TypeA, TTL: 1,
		Sets: []dns.WeightedSet{{ID: "default", Weight: 1, Values: []string{"127.0.0.2"}}}}, dns.Always())
	if err != nil {
		t.Fatal(err)
	}
	port := migratetest.ServePair(t, "127.0.0.2", e.legacy, e.cluster)
	token := writeFile(t, filepath.Join(e.dir, "dns.token"), servertest.Token+"\n")
	body := fmt.Sprintf(faultFile, hold, p99, e.srv.AdminURL(), token, e.domain, port, port)
	e.file = writeFile(t, filepath.Join(e.dir, "ferry.yaml"), body)
	e.st = &store.File{Dir: filepath.Join(e.dir, ".ferry")}
	return e
}

func newSwitchable(seed uint64) *switchable {
	return &switchable{rng: rand.New(rand.NewPCG(seed, seed)), delayed: 400 * time.Millisecond}
}

func (e *faultEnv) state(t *testing.T) migrate.State {
	t.Helper()
	s, err := e.st.Load(t.Context(), e.domain)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (e *faultEnv) record(t *testing.T) map[string]int {
	t.Helper()
	rs, err := e.srv.Get(t.Context(), e.domain+".", dns.TypeA)
	if err != nil {
		t.Fatal(err)
	}
	return rs.Weights()
}

// start runs "ferry migrate start" in the background.
func (e *faultEnv) start(ctx context.Context, extra ...string) <-chan result {
	return runAsync(ctx, append([]string{"-f", e.file, "start", "api"}, extra...)...)
}

func (e *faultEnv) waitState(t *testing.T, ok func(migrate.State) bool) migrate.State {
	t.Helper()
	waitState(t, e.st, e.domain, ok)
	return e.state(t)
}

func stepped(s migrate.State) bool { return s.Stage == migrate.StageShift && s.Weights.Cluster > 0 }

func timelineSays(s migrate.State, text string) bool {
	for _, ev := range s.Timeline {
		if strings.Contains(ev.Message, text) {
			return true
		}
	}
	return false
}
