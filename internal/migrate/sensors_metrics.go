package migrate

import (
	"context"
	"time"

	"ferry.dev/ferry/internal/gate"
)

// metricLoop evaluates each check of mt at its own interval and reports,
// per side, one MetricResult with the checks that were due. A client that
// cannot be built (an unreadable CA file) makes every evaluation
// inconclusive, with the reason as evidence.
func metricLoop(ctx context.Context, mt *Metrics, out chan<- Input) {
	p, perr := gate.NewPrometheus(mt.Prometheus, mt.BearerTokenFile, mt.CAFile, min(mt.Interval, 5*time.Second))
	every := mt.Interval
	for _, c := range mt.Checks {
		every = min(every, c.Interval)
	}
	t := time.NewTicker(every)
	defer t.Stop()
	due := make([]time.Time, len(mt.Checks)) // zero: due now
	for {
		for _, side := range []Side{Legacy, Cluster} {
			r := MetricResult{Side: side, At: time.Now()}
			for i, c := range mt.Checks {
				if c.Side != string(side) || time.Now().Before(due[i]) {
					continue
				}
				due[i] = time.Now().Add(c.Interval - every/2) // within half a tick of its interval
				var v float64
				err := perr
				if err == nil {
					v, err = p.Query(ctx, c.Query)
				}
				r.Evidence = append(r.Evidence, gate.Judge(c, mt.Prometheus, time.Now(), v, err))
			}
			if len(r.Evidence) > 0 && !send(ctx, out, r) {
				return
			}
		}
		if !pause(ctx, t) {
			return
		}
	}
}

// send delivers in unless ctx ends first; it reports whether it did.
func send(ctx context.Context, out chan<- Input, in Input) bool {
	select {
	case out <- in:
		return true
	case <-ctx.Done():
		return false
	}
}

// pause waits for t's next tick; it reports false when ctx ended first.
func pause(ctx context.Context, t *time.Ticker) bool {
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
