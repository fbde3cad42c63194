package gate_test

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"ferry.dev/ferry/internal/gate"
	"ferry.dev/ferry/internal/gate/promtest"
)

var prom *promtest.Server

func TestMain(m *testing.M) {
	os.Exit(promtest.Main(m.Run, func(s *promtest.Server) { prom = s }))
}

// serve runs h on a loopback port and has the test Prometheus scrape it as job.
func serve(t *testing.T, job string, h http.Handler) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: time.Second}
	go srv.Serve(l) //nolint:errcheck // closed at cleanup
	t.Cleanup(func() { srv.Close() })
	stop, err := prom.Scrape(job, l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
}

// evaluate queries c until its verdict is want (Prometheus needs a few
// scrapes for a rate), failing after a bounded number of tries.
func evaluate(t *testing.T, c gate.Check, want gate.Verdict) gate.Evidence {
	t.Helper()
	p, err := gate.NewPrometheus(prom.URL, "", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	var e gate.Evidence
	for range 100 {
		v, err := p.Query(t.Context(), c.Query)
		e = gate.Judge(c, prom.URL, time.Now(), v, err)
		if e.Verdict == want {
			return e
		}
		time.Sleep(promtest.ScrapeInterval)
	}
	t.Fatalf("%s: verdict %s, want %s", c.Name, e, want)
	return e
}

// TestExporterShapeCatchesFivePercent: a backend failing one request in
// twenty fails the built-in success ratio (min 0.99) on real Prometheus
// data; its p99 passes; the evidence names the query, value and source.
func TestExporterShapeCatchesFivePercent(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	m := &gate.RequestMetrics{}
	serve(t, "shop-cluster", m)
	traffic(t, func() { m.Observe(map[bool]int{true: 500, false: 200}[n.Add(1)%20 == 0], 3*time.Millisecond) })
	v := gate.Vars{Side: "cluster", Domain: "shop.example.com", Service: "shop", Window: 5 * time.Second}
	checks, ok := gate.Builtin("exporter", v, 0.99, 500*time.Millisecond)
	if !ok {
		t.Fatal("no exporter shape")
	}
	// The first failing answers may come from a window of a few scrapes,
	// where rate()'s extrapolation of the two series differs by a percent
	// or two; the ratio settles at 0.95 as the window fills.
	var e gate.Evidence
	for range 20 {
		if e = evaluate(t, checks[0], gate.Fail); e.Value != nil && math.Abs(*e.Value-0.95) <= 0.011 {
			break
		}
		time.Sleep(promtest.ScrapeInterval)
	}
	if e.Value == nil || math.Abs(*e.Value-0.95) > 0.011 || !strings.Contains(e.String(), `job="shop-cluster"`) || e.Source != prom.URL {
		t.Errorf("evidence %s: want the ratio 0.95 with its query and source", e)
	}
	evaluate(t, checks[1], gate.Pass)
}

// traffic calls req every 2ms until the test ends, as clients would.
func traffic(t *testing.T, req func()) {
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tk := time.NewTicker(2 * time.Millisecond)
		defer tk.Stop()
		for {
			select {
			case <-done:
				return
			case <-tk.C:
				req()
			}
		}
	}()
	t.Cleanup(func() { close(done); <-stopped })
}

// TestNoDataIsInconclusive: a query matching nothing, NaN (no traffic in
// the range: 0/0), a query error and a stopped Prometheus never pass.
func TestNoDataIsInconclusive(t *testing.T) {
	t.Parallel()
	serve(t, "idle-cluster", &gate.RequestMetrics{})
	v := gate.Vars{Side: "cluster", Service: "idle", Window: 5 * time.Second}
	checks, _ := gate.Builtin("exporter", v, 0.99, time.Second)
	for _, c := range []gate.Check{
		checks[0], // 0/0 = NaN: the idle backend has the metric but no traffic
		{Name: "absent", Query: `sum(nope_total{job="none"})`, Op: gate.Min, Threshold: 1},
		{Name: "bad", Query: `sum(rate(`, Op: gate.Min, Threshold: 1},
		{Name: "many", Query: `up`, Op: gate.Min, Threshold: 1},
	} {
		if c.Name == "many" {
			serve(t, "second", &gate.RequestMetrics{})
		}
		e := evaluate(t, c, gate.Inconclusive)
		if e.Error == "" || e.Value != nil {
			t.Errorf("%s: %s: want an error and no value", c.Name, e)
		}
	}
	p, _ := gate.NewPrometheus("http://127.0.0.1:1", "", "", time.Second)
	_, err := p.Query(t.Context(), "up")
	if e := gate.Judge(checks[0], p.URL, time.Now(), 0, err); e.Verdict != gate.Inconclusive {
		t.Errorf("an unreachable Prometheus gave %s", e)
	}
}

// growing serves the counters of one request shape that grow by 100
// requests a scrape, 5 of them 5xx, all answered in 20-40 ms.
type growing struct {
	n      atomic.Int64
	render func(w http.ResponseWriter, total, bad int64)
}

func (g *growing) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	k := g.n.Add(1)
	g.render(w, k*100, k*5)
}

// TestProxyShapes runs the ingress-nginx and Envoy Gateway built-ins on
// real PromQL over each proxy's own metric names and labels.
func TestProxyShapes(t *testing.T) {
	nginx := func(w http.ResponseWriter, total, bad int64) {
		fmt.Fprintf(w, "nginx_ingress_controller_requests{host=\"shop.example.com\",status=\"200\"} %d\n", total-bad)
		fmt.Fprintf(w, "nginx_ingress_controller_requests{host=\"shop.example.com\",status=\"503\"} %d\n", bad)
		fmt.Fprintf(w, "nginx_ingress_controller_requests{host=\"other.example.com\",status=\"200\"} %d\n", total)
		for _, le := range []string{"0.01", "0.05", "+Inf"} {
			fmt.Fprintf(w, "nginx_ingress_controller_request_duration_seconds_bucket{host=\"shop.example.com\",le=%q} %d\n", le, map[string]int64{"0.01": 0, "0.05": total, "+Inf": total}[le])
		}
	}
	envoy := func(w http.ResponseWriter, total, bad int64) {
		const c = `envoy_cluster_name="httproute/shop/shop/rule/0"`
		fmt.Fprintf(w, "envoy_cluster_upstream_rq_xx{%s,envoy_response_code_class=\"2\"} %d\n", c, total-bad)
		fmt.Fprintf(w, "envoy_cluster_upstream_rq_xx{%s,envoy_response_code_class=\"5\"} %d\n", c, bad)
		for _, le := range []string{"10", "50", "+Inf"} {
			fmt.Fprintf(w, "envoy_cluster_upstream_rq_time_bucket{%s,le=%q} %d\n", c, le, map[string]int64{"10": 0, "50": total, "+Inf": total}[le])
		}
	}
	for shape, render := range map[string]func(http.ResponseWriter, int64, int64){"ingress-nginx": nginx, "envoy-gateway": envoy} {
		t.Run(shape, func(t *testing.T) {
			t.Parallel()
			serve(t, "proxy-"+shape, &growing{render: render})
			v := gate.Vars{Side: "cluster", Domain: "shop.example.com", Service: "shop", Window: 2 * time.Second}
			checks, _ := gate.Builtin(shape, v, 0.99, 100*time.Millisecond)
			if e := evaluate(t, checks[0], gate.Fail); math.Abs(*e.Value-0.95) > 0.001 {
				t.Errorf("success ratio %s, want 0.95", e)
			}
			if e := evaluate(t, checks[1], gate.Pass); *e.Value < 0.01 || *e.Value > 0.05 {
				t.Errorf("p99 %s, want between 10 and 50 ms", e)
			}
		})
	}
}

func TestUnknownPlaceholders(t *testing.T) {
	got := gate.UnknownPlaceholders(`x{a="{{side}}",b="{{ sid }}",c="{{domain}}"}[{{window}}] {{Service}}`)
	if strings.Join(got, ",") != "{{ sid }},{{Service}}" {
		t.Errorf("got %q", got)
	}
}
