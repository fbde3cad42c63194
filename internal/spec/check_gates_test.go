package spec_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/spec"
)

// TestMetricChecksRendered: a two-line metrics block expands to the
// built-in shape's checks with the probe gate's thresholds and the
// block's defaults; a query of its own is rendered per side, with its own
// interval and failure limit where written.
func TestMetricChecksRendered(t *testing.T) {
	file := migrationFile(`  gates:
    failures: 4
    metrics:
      prometheus: http://prometheus:9090
      cluster: ingress-nginx
      queries:
        - {name: errors, query: 'sum(rate(errors_total{job="{{service}}-{{side}}"}[{{window}}]))', max: 1, interval: 30s, failureLimit: 1}
`, "    legacy: 192.0.2.1\n    cluster: 192.0.2.2\n")
	f, err := spec.Load("ferry.yaml", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	m := f.Migration.Gates.Metrics
	if m.Interval != spec.DefaultMetricInterval || m.Window != spec.DefaultMetricWindow || m.Warmup != m.Window ||
		m.FailureLimit != 4 || m.InconclusiveLimit != spec.DefaultInconclusiveLimit {
		t.Errorf("block defaults: %+v", m)
	}
	var got []string
	for _, c := range m.Checks(f.Migration.Gates, "api.example.com", "api") {
		got = append(got, c.Side+" "+c.Name+" "+string(c.Op)+" "+c.Interval.String()+" "+string(rune('0'+c.FailureLimit))+" "+c.Query)
	}
	want := []string{
		`legacy errors max 30s 1 sum(rate(errors_total{job="api-legacy"}[1m]))`,
		`cluster success-ratio min 10s 4 sum(rate(nginx_ingress_controller_requests{host="api.example.com",status!~"5.."}[1m])) / sum(rate(nginx_ingress_controller_requests{host="api.example.com"}[1m]))`,
		`cluster p99-seconds max 10s 4 histogram_quantile(0.99, sum by (le) (rate(nginx_ingress_controller_request_duration_seconds_bucket{host="api.example.com"}[1m])))`,
		`cluster errors max 30s 1 sum(rate(errors_total{job="api-cluster"}[1m]))`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("checks (-want +got):\n%s", d)
	}
}
