package migrate

import (
	"fmt"
	"strings"

	"ferry.dev/ferry/internal/gate"
	"ferry.dev/ferry/internal/migrate"
)

// writeMetricGates prints every metric check with its query and
// threshold, and every webhook, as plan shows them.
func writeMetricGates(b *strings.Builder, cfg migrate.Config) {
	if mt := cfg.Gates.Metrics; mt != nil {
		fmt.Fprintf(b, "metrics: from %s; a check failing its failureLimit times in a row → as a failing gate; %d evaluations without an answer (no data, NaN, an error) in a row → pause with an alert (not counted within %v of a side's first traffic); a side passes only when its probes and its metrics pass\n",
			mt.Prometheus, mt.InconclusiveLimit, mt.Warmup)
		for _, c := range mt.Checks {
			fmt.Fprintf(b, "        %s %s %s %g (every %v, %d failing act): %s\n", c.Side, c.Name,
				map[gate.Op]string{gate.Min: "≥", gate.Max: "≤"}[c.Op], c.Threshold, c.Interval, c.FailureLimit, c.Query)
		}
	}
	what := map[string]string{
		gate.HookConfirmStep: "holds each step until it answers 2xx",
		gate.HookPreStep:     "before each step's DNS change; a failure counts against the cluster's gate",
		gate.HookPostStep:    "after each step's DNS change; a failure counts against the cluster's gate",
		gate.HookRollback:    "asked every gate interval; a 2xx answer rolls back",
	}
	for _, w := range cfg.Webhooks {
		fmt.Fprintf(b, "webhook: %s (%s) %s — %s; timeout %v, %d retries\n", w.Name, w.Type, w.URL, what[w.Type], w.Timeout, w.Retries)
	}
}

// writeMetricHealth prints each side's latest metric evaluation and the
// confirm-step webhook's hold, as status shows them.
func writeMetricHealth(row rowFunc, s migrate.State) {
	mt := s.Config.Gates.Metrics
	for _, side := range []migrate.Side{migrate.Legacy, migrate.Cluster} {
		h, ok := s.Metrics[side]
		if !ok || mt == nil {
			continue
		}
		status := string(h.Status)
		if h.Idle {
			status = "not judged (no traffic)"
		}
		row(string(side), "metrics %s; failing %d in a row, inconclusive %d of %d", status, h.Failing, h.Inconclusive, mt.InconclusiveLimit)
		for _, e := range h.Evidence {
			row("", "  %s", e)
		}
	}
	if s.Hooks.Held != "" {
		row("held", "by the confirm-step webhook: %s", s.Hooks.Held)
	}
}
