package migrate

import (
	"fmt"
	"time"

	"ferry.dev/ferry/internal/gate"
)

// Metrics are the metric gates: Prometheus queries judging each side by
// its real traffic.
type Metrics struct {
	// Prometheus is the server's base URL; BearerTokenFile and CAFile,
	// when set, authenticate it and check its certificate.
	Prometheus      string `json:"prometheus"`
	BearerTokenFile string `json:"bearerTokenFile,omitempty"`
	CAFile          string `json:"caFile,omitempty"`
	// Interval and FailureLimit are the block's: each check carries its
	// own (these, unless the file set others for it), and a check acts
	// after its own failureLimit failing evaluations in a row.
	Interval     time.Duration `json:"interval"`
	FailureLimit int           `json:"failureLimit"`
	// InconclusiveLimit is how many inconclusive evaluations of the
	// cluster in a row pause the migration with an alert.
	InconclusiveLimit int `json:"inconclusiveLimit"`
	// Warmup is how long after a side starts carrying traffic its
	// evaluations without an answer are not counted (its metrics may not
	// exist yet, or hold too few samples for a rate).
	Warmup time.Duration `json:"warmup"`
	// Checks are final: every query rendered for its side.
	Checks []gate.Check `json:"checks"`
}

// For is the checks of side.
func (mt *Metrics) For(side Side) []gate.Check {
	if mt == nil {
		return nil
	}
	var out []gate.Check
	for _, c := range mt.Checks {
		if c.Side == string(side) {
			out = append(out, c)
		}
	}
	return out
}

func (mt *Metrics) validate() []error {
	if mt == nil {
		return nil
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("gates.metrics."+format, args...)) }
	if mt.Prometheus == "" {
		bad("prometheus: the Prometheus URL is required")
	}
	if mt.Warmup < 0 {
		bad("warmup: %v must not be negative", mt.Warmup)
	}
	if mt.Interval <= 0 {
		bad("interval: %v must be positive", mt.Interval)
	}
	if mt.FailureLimit < 1 || mt.InconclusiveLimit < 1 {
		bad("failureLimit, inconclusiveLimit: %d, %d must be at least 1", mt.FailureLimit, mt.InconclusiveLimit)
	}
	if len(mt.Checks) == 0 {
		bad("checks: must hold at least one check")
	}
	for i, c := range mt.Checks {
		if c.Query == "" || (c.Side != string(Legacy) && c.Side != string(Cluster)) || (c.Op != gate.Min && c.Op != gate.Max) ||
			c.Interval <= 0 || c.FailureLimit < 1 {
			bad("checks[%d]: %q needs a query, a side (legacy or cluster), min or max, a positive interval and a failureLimit ≥ 1", i, c.Name)
		}
	}
	return errs
}
