package spec

import (
	"fmt"
	"slices"
	"strings"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/gate"
)

// metricGates checks migration.gates.metrics; g are the probe gates,
// whose thresholds the built-in shapes share.
func (c *checker) metricGates(path string, raw *v1alpha1.MetricGates, g Gates) *MetricGates {
	if raw == nil {
		return nil
	}
	m := &MetricGates{
		Prometheus: c.url(path+".prometheus", raw.Prometheus), BearerTokenFile: raw.BearerTokenFile, CAFile: raw.CAFile,
		Shapes: map[string]string{},
		Window: c.positive(path+".window", raw.Window, DefaultMetricWindow, "rate() over no time has no data"),
		Interval: c.positive(path+".interval", raw.Interval, DefaultMetricInterval,
			"Prometheus would be queried without a pause"),
		FailureLimit:      g.Failures,
		Warmup:            c.duration(path+".warmup", raw.Warmup, DefaultMetricWindow),
		InconclusiveLimit: DefaultInconclusiveLimit,
	}
	if raw.Prometheus == "" {
		c.errorf(path+".prometheus", "is required: the base URL of the Prometheus that scrapes both sides (like http://prometheus:9090)")
	}
	for side, shape := range map[string]string{"cluster": raw.Cluster, "legacy": raw.Legacy} {
		if shape != "" {
			m.Shapes[side] = c.oneOf(path+"."+side, shape, "", gate.ShapeNames()...)
		}
	}
	if raw.Warmup == "" {
		m.Warmup = m.Window // a rate needs its window filled
	}
	if raw.FailureLimit != nil {
		m.FailureLimit = c.atLeastOne(path+".failureLimit", *raw.FailureLimit, "ferry acts after this many failing evaluations in a row")
	}
	if raw.InconclusiveLimit != nil {
		m.InconclusiveLimit = c.atLeastOne(path+".inconclusiveLimit", *raw.InconclusiveLimit,
			"the migration pauses after this many evaluations in a row without an answer")
	}
	for i, q := range raw.Queries {
		m.Queries = append(m.Queries, c.metricQuery(fmt.Sprintf("%s.queries[%d]", path, i), q, m))
	}
	if raw.Cluster == "" && raw.Legacy == "" && len(raw.Queries) == 0 {
		c.errorf(path, "names no check: set cluster: (one of %s) for the built-in checks, or queries:", strings.Join(gate.ShapeNames(), ", "))
	}
	return m
}

func (c *checker) metricQuery(path string, q v1alpha1.MetricQuery, m *MetricGates) MetricQuery {
	out := MetricQuery{Name: q.Name, Query: q.Query, Sides: q.Sides, FailureLimit: m.FailureLimit,
		Interval: c.positive(path+".interval", q.Interval, m.Interval, "Prometheus would be queried without a pause")}
	if q.FailureLimit != nil {
		out.FailureLimit = c.atLeastOne(path+".failureLimit", *q.FailureLimit, "the check acts after this many failing evaluations in a row")
	}
	if q.Name == "" {
		c.errorf(path+".name", "is required: it names the check in status, the timeline and alerts")
	} else if slices.ContainsFunc(m.Queries, func(b MetricQuery) bool { return b.Name == q.Name }) {
		c.errorf(path+".name", "%q is used by another query", q.Name)
	} else if q.Name == "success-ratio" || q.Name == "p99-seconds" {
		c.errorf(path+".name", "%q is the name of a built-in check; pick another", q.Name)
	}
	if q.Query == "" {
		c.errorf(path+".query", "is required (a PromQL query returning one number)")
	}
	if bad := gate.UnknownPlaceholders(q.Query); len(bad) > 0 {
		c.errorf(path+".query", "%s: unknown placeholder (known: {{side}}, {{domain}}, {{service}}, {{window}})", strings.Join(bad, ", "))
	}
	switch {
	case (q.Min == nil) == (q.Max == nil):
		c.errorf(path, "set exactly one of min or max: the threshold the value must keep")
	case q.Min != nil:
		out.Op, out.Threshold = gate.Min, *q.Min
	default:
		out.Op, out.Threshold = gate.Max, *q.Max
	}
	if out.Sides == nil {
		out.Sides = []string{"legacy", "cluster"}
	}
	for i, s := range q.Sides {
		if s != "legacy" && s != "cluster" {
			c.errorf(fmt.Sprintf("%s.sides[%d]", path, i), "%q is not a side (legacy or cluster)", s)
		}
	}
	return out
}

func (c *checker) webhooks(path string, raw []v1alpha1.Webhook) []Webhook {
	var out []Webhook
	for i, w := range raw {
		p := fmt.Sprintf("%s[%d]", path, i)
		h := Webhook{
			Name: w.Name, URL: c.url(p+".url", w.URL), SecretFile: w.SecretFile, Retries: DefaultWebhookRetries,
			Type:    c.oneOf(p+".type", w.Type, "", HookConfirmStep, HookPreStep, HookPostStep, HookRollback),
			Timeout: c.positive(p+".timeout", w.Timeout, DefaultWebhookTimeout, "no answer comes back in no time"),
		}
		if w.Type == "" {
			c.errorf(p+".type", "is required: one of %s, %s, %s, %s", HookConfirmStep, HookPreStep, HookPostStep, HookRollback)
		}
		if w.URL == "" {
			c.errorf(p+".url", "is required")
		}
		if h.Name == "" {
			h.Name = h.Type
		}
		if slices.ContainsFunc(out, func(o Webhook) bool { return o.Name == h.Name }) {
			c.errorf(p+".name", "%q names two webhooks; give each a name", h.Name)
		}
		if w.Retries != nil {
			if h.Retries = *w.Retries; h.Retries < 0 {
				c.errorf(p+".retries", "%d must not be negative", h.Retries)
			}
		}
		out = append(out, h)
	}
	return out
}

func (c *checker) notifications(path string, raw []v1alpha1.Notification) []Notification {
	var out []Notification
	for i, n := range raw {
		p := fmt.Sprintf("%s[%d]", path, i)
		if set := btoi(n.URLFile != "") + btoi(n.URLEnv != "") + btoi(n.URLSecretRef != nil); set != 1 {
			c.errorf(p, "set one of urlFile, urlEnv and urlSecretRef: a webhook URL is a secret, kept out of the service file")
		}
		out = append(out, Notification{
			Format: c.oneOf(p+".format", n.Format, DefaultNotifyFormat, "slack", "json"), URLFile: n.URLFile, URLEnv: n.URLEnv,
			URLSecret: c.secretKeyRef(p+".urlSecretRef", n.URLSecretRef),
		})
	}
	return out
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
