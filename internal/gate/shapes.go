package gate

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Vars fill a query's placeholders: {{side}}, {{domain}}, {{service}} and
// {{window}} (the range of rate(), like 1m).
type Vars struct {
	Side, Domain, Service string
	Window                time.Duration
}

// Render replaces q's placeholders with v.
func Render(q string, v Vars) string {
	return strings.NewReplacer("{{side}}", v.Side, "{{domain}}", v.Domain, "{{service}}", v.Service,
		"{{window}}", promDuration(v.Window)).Replace(q)
}

// UnknownPlaceholders lists the placeholders in q that Render does not fill.
func UnknownPlaceholders(q string) []string {
	var out []string
	placeholder := regexp.MustCompile(`\{\{\s*([^}]*?)\s*\}\}`)
	for _, m := range placeholder.FindAllStringSubmatch(q, -1) {
		if !slices.Contains([]string{"side", "domain", "service", "window"}, m[1]) || m[0] != "{{"+m[1]+"}}" {
			out = append(out, m[0])
		}
	}
	return out
}

// promDuration writes d as PromQL does ("90s", "1m", "500ms").
func promDuration(d time.Duration) string {
	switch {
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	case d%time.Second == 0:
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return fmt.Sprintf("%dms", d/time.Millisecond)
}

// Shape is how one kind of proxy or exporter names its request metrics:
// a query for the share of non-5xx answers and one for the p99 latency in
// seconds, both with placeholders.
type Shape struct {
	Name          string
	SuccessRatio  string
	P99Seconds    string
	Documentation string
}

// Shapes are the built-in metric shapes, by name.
func Shapes() map[string]Shape {
	ratio := func(metric, sel, good string) string {
		return fmt.Sprintf("sum(rate(%s{%s,%s}[{{window}}])) / sum(rate(%s{%s}[{{window}}]))", metric, sel, good, metric, sel)
	}
	p99 := func(bucket, sel string) string {
		return fmt.Sprintf("histogram_quantile(0.99, sum by (le) (rate(%s{%s}[{{window}}])))", bucket, sel)
	}
	const nginx, envoy, job = `host="{{domain}}"`, `envoy_cluster_name=~"httproute/.+/{{service}}/rule/.+"`, `job="{{service}}-{{side}}"`
	return map[string]Shape{
		"ingress-nginx": {Name: "ingress-nginx",
			SuccessRatio:  ratio("nginx_ingress_controller_requests", nginx, `status!~"5.."`),
			P99Seconds:    p99("nginx_ingress_controller_request_duration_seconds_bucket", nginx),
			Documentation: "ingress-nginx's controller metrics for the domain's host"},
		"envoy-gateway": {Name: "envoy-gateway",
			SuccessRatio:  ratio("envoy_cluster_upstream_rq_xx", envoy, `envoy_response_code_class!="5"`),
			P99Seconds:    p99("envoy_cluster_upstream_rq_time_bucket", envoy) + " / 1000",
			Documentation: "Envoy's upstream cluster stats for the service's HTTPRoute (Envoy Gateway and other Gateway API implementations built on Envoy)"},
		"exporter": {Name: "exporter",
			SuccessRatio:  ratio("http_requests_total", job, `code!~"5.."`),
			P99Seconds:    p99("http_request_duration_seconds_bucket", job),
			Documentation: `http_requests_total{code} and the http_request_duration_seconds histogram, scraped as job "<service>-<side>" (an exporter beside legacy, or any instrumented service)`},
	}
}

// ShapeNames are the built-in shapes' names, sorted.
func ShapeNames() []string {
	var names []string
	for n := range Shapes() {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Builtin is the two usual checks of shape for one side: success ratio at
// least minRatio, p99 at most maxP99. ok is false for an unknown shape.
func Builtin(shape string, v Vars, minRatio float64, maxP99 time.Duration) ([]Check, bool) {
	s, ok := Shapes()[shape]
	if !ok {
		return nil, false
	}
	return []Check{
		{Name: "success-ratio", Side: v.Side, Query: Render(s.SuccessRatio, v), Op: Min, Threshold: minRatio},
		{Name: "p99-seconds", Side: v.Side, Query: Render(s.P99Seconds, v), Op: Max, Threshold: maxP99.Seconds()},
	}, true
}
