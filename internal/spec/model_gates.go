package spec

import (
	"slices"
	"time"

	"ferry.dev/ferry/internal/gate"
)

// MetricGates are the metric gates with every default applied; the
// queries keep their placeholders until Checks renders them per service.
type MetricGates struct {
	Prometheus      string
	BearerTokenFile string
	CAFile          string
	// Shapes are the built-in shape per side ("cluster": "ingress-nginx").
	Shapes   map[string]string
	Window   time.Duration
	Interval time.Duration
	// Warmup is how long after a side starts carrying traffic no answer
	// is not counted as inconclusive (default: Window).
	Warmup            time.Duration
	FailureLimit      int
	InconclusiveLimit int
	Queries           []MetricQuery
}

// MetricQuery is one written check, for the sides it names, with its
// own interval and failure limit (the block's unless written).
type MetricQuery struct {
	Name         string
	Query        string
	Op           gate.Op
	Threshold    float64
	Sides        []string
	Interval     time.Duration
	FailureLimit int
}

// Checks are the gates' checks for one service's migration, rendered: the
// built-in shapes' two checks per side (thresholds from g), then the
// written queries, each for every side it names.
func (m *MetricGates) Checks(g Gates, domain, service string) []gate.Check {
	var out []gate.Check
	for _, side := range []string{"legacy", "cluster"} {
		v := gate.Vars{Side: side, Domain: domain, Service: service, Window: m.Window}
		if shape := m.Shapes[side]; shape != "" {
			cs, _ := gate.Builtin(shape, v, g.SuccessRatio, g.P99Latency)
			for _, c := range cs {
				c.Interval, c.FailureLimit = m.Interval, m.FailureLimit
				out = append(out, c)
			}
		}
		for _, q := range m.Queries {
			if slices.Contains(q.Sides, side) {
				out = append(out, gate.Check{Name: q.Name, Side: side, Query: gate.Render(q.Query, v), Op: q.Op,
					Threshold: q.Threshold, Interval: q.Interval, FailureLimit: q.FailureLimit})
			}
		}
	}
	return out
}

// Webhook is a migration webhook with its defaults.
type Webhook struct {
	Name       string
	Type       string
	URL        string
	SecretFile string
	Timeout    time.Duration
	Retries    int
}

// Webhook types.
const (
	HookConfirmStep = gate.HookConfirmStep
	HookPreStep     = gate.HookPreStep
	HookPostStep    = gate.HookPostStep
	HookRollback    = gate.HookRollback
)

// Notification is where events are sent: the URL is read from URLFile or
// the environment variable URLEnv when ferry starts, or by the controller
// from the Secret URLSecret names.
type Notification struct {
	Format    string
	URLFile   string
	URLEnv    string
	URLSecret *SecretKeyRef
}
