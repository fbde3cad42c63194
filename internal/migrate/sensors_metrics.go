package migrate

import (
	"context"
	"time"

	"ferry.dev/ferry/internal/gate"
)

// metricLoop evaluates every check of mt each mt.Interval and reports one
// MetricResult per side. A client that cannot be built (an unreadable CA
// file) makes every evaluation inconclusive, with the reason as evidence.
func metricLoop(ctx context.Context, mt *Metrics, out chan<- Input) {
	p, perr := gate.NewPrometheus(mt.Prometheus, mt.BearerTokenFile, mt.CAFile, min(mt.Interval, 5*time.Second))
	t := time.NewTicker(mt.Interval)
	defer t.Stop()
	for {
		for _, side := range []Side{Legacy, Cluster} {
			checks := mt.For(side)
			if len(checks) == 0 {
				continue
			}
			r := MetricResult{Side: side, At: time.Now()}
			for _, c := range checks {
				var v float64
				err := perr
				if err == nil {
					v, err = p.Query(ctx, c.Query)
				}
				r.Evidence = append(r.Evidence, gate.Judge(c, mt.Prometheus, time.Now(), v, err))
			}
			if !send(ctx, out, r) {
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
