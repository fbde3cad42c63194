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
			select {
			case out <- r:
			case <-ctx.Done():
				return
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
