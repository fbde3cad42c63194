package migrate_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"ferry.dev/ferry/internal/migrate/migratetest"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/server/servertest"
	"ferry.dev/ferry/internal/gate"
	"ferry.dev/ferry/internal/gate/promtest"
	"ferry.dev/ferry/internal/migrate/store"
)

// metricBackend is a side that exports the exporter shape's request
// metrics and, when failing, answers one in twenty real client requests
// with a 503 while every probe of ferry's succeeds.
type metricBackend struct {
	metrics gate.RequestMetrics
	failing atomic.Bool
	n       atomic.Int64
	probes  atomic.Int64 // probes answered badly: must stay 0
}

func (b *metricBackend) handler() http.Handler {
	return b.metrics.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.UserAgent() != "ferry-probe" && b.failing.Load() && b.n.Add(1)%20 == 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	}))
}

// metricFile is a migration with probe and metric gates: the exporter
// shape on both sides, judged every 250ms over a 2s rate window. Its
// latency limit is far above loopback's: no test here slows a side
// (faults_test.go does), and on a loaded CI machine (load 7 on 2 cores)
// probes saw p99s of 200-250 ms and failed a healthy run at 200ms.
const metricFile = `apiVersion: ferry.dev/v1alpha1
kind: Services
migration:
  ttl: 1s
  steps: [10, 50, 100]
  hold: %s
  gates:
    interval: 100ms
    window: 1s
    minRequests: 5
    failures: 3
    p99Latency: 2s
    paths: [/healthz]
    metrics: {prometheus: "%s", cluster: exporter, legacy: exporter, window: 2s, interval: 250ms, failureLimit: 2}
  dns: {provider: ferry, server: "%s", tokenFile: "%s", retryFor: 2s}
  drain: {ttlMultiple: 1}
%s
services:
  %s:
    image: registry.example.com/api:1
    port: 8080
    domain: %s
    health: /healthz
    legacy: {address: 127.0.0.2, port: %d}
    cluster: {address: 127.0.0.3, port: %d}
`

// metricEnv is one migration of service NAME, its sides scraped by p as
// jobs NAME-legacy and NAME-cluster, with real clients sending both sides
// about 200 requests a second.
type metricEnv struct {
	faultEnv
	name            string
	legacy, cluster *metricBackend
	port            int
}

func newMetricEnv(t *testing.T, name, hold string, p *promtest.Server, extra string) *metricEnv {
	t.Helper()
	e := &metricEnv{name: name, legacy: &metricBackend{}, cluster: &metricBackend{}}
	e.srv, e.dir = servertest.Start(t, "metric.test"), t.TempDir()
	e.domain = name + ".metric.test"
	err := e.srv.Replace(t.Context(), dns.RecordSet{Name: e.domain + ".", Type: dns.TypeA, TTL: 1,
		Sets: []dns.WeightedSet{{ID: "default", Weight: 1, Values: []string{"127.0.0.2"}}}}, dns.Always())
	if err != nil {
		t.Fatal(err)
	}
	e.port = migratetest.ServePair(t, "127.0.0.2", e.legacy.handler(), e.cluster.handler())
	for side, host := range map[string]string{"legacy": "127.0.0.2", "cluster": "127.0.0.3"} {
		stop, err := p.Scrape(name+"-"+side, net.JoinHostPort(host, strconv.Itoa(e.port)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop)
	}
	token := writeFile(t, filepath.Join(e.dir, "dns.token"), servertest.Token+"\n")
	body := fmt.Sprintf(metricFile, hold, p.URL, e.srv.AdminURL(), token, extra, name, e.domain, e.port, e.port)
	e.file = writeFile(t, filepath.Join(e.dir, "ferry.yaml"), body)
	e.st = &store.File{Dir: filepath.Join(e.dir, ".ferry")}
	e.clients(t)
	e.waitScraped(t, p)
	return e
}

// waitScraped waits until p has rates of both sides' requests, as a
// Prometheus that was scraping before the migration began would.
func (e *metricEnv) waitScraped(t *testing.T, p *promtest.Server) {
	t.Helper()
	c, err := gate.NewPrometheus(p.URL, "", "", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	q := fmt.Sprintf(`count(rate(http_requests_total{job=~"%s-(legacy|cluster)"}[2s]) > 0)`, e.name)
	for range 100 {
		if v, err := c.Query(t.Context(), q); err == nil && v == 2 {
			return
		}
		time.Sleep(promtest.ScrapeInterval)
	}
	t.Fatalf("prometheus has not scraped both sides of %s", e.name)
}

// clients send both sides real requests (not probes) until the test ends.
func (e *metricEnv) clients(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	t.Cleanup(func() { cancel(); <-done })
	go func() {
		defer close(done)
		c := &http.Client{Timeout: time.Second}
		tk := time.NewTicker(10 * time.Millisecond)
		defer tk.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tk.C:
			}
			for _, host := range []string{"127.0.0.2", "127.0.0.3"} {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, strconv.Itoa(e.port))+"/", nil)
				req.Host = e.domain
				if resp, err := c.Do(req); err == nil {
					resp.Body.Close()
				}
			}
		}
	}()
}

// start runs "ferry migrate start NAME" in the background.
func (e *metricEnv) start(ctx context.Context, extra ...string) <-chan result {
	return runAsync(ctx, append([]string{"-f", e.file, "start", e.name}, extra...)...)
}
