package migrate_test

import (
	"errors"
	"strconv"
	"time"

	"ferry.dev/ferry/internal/gate"
	"ferry.dev/ferry/internal/migrate"
)

// scenarioMetrics are the exporter shape's two checks on both sides, judged
// after gates.failures failing evaluations, paused after 3 inconclusive.
func scenarioMetrics(cfg migrate.Config) *migrate.Metrics {
	mt := &migrate.Metrics{Prometheus: "http://prometheus.test:9090", Interval: 10 * time.Second,
		FailureLimit: cfg.Gates.Failures, InconclusiveLimit: 3, Warmup: 10 * time.Second}
	for _, side := range []string{"legacy", "cluster"} {
		v := gate.Vars{Side: side, Domain: cfg.Domain, Service: "api", Window: time.Minute}
		cs, _ := gate.Builtin("exporter", v, cfg.Gates.SuccessRatio, cfg.Gates.P99Latency)
		for _, c := range cs {
			c.Interval, c.FailureLimit = mt.Interval, mt.FailureLimit
			mt.Checks = append(mt.Checks, c)
		}
	}
	return mt
}

// metric is "metric SIDE success-ratio=V p99-seconds=V": each check's
// answer, a number, or none (no data) or error (Prometheus unreachable).
func (r *replay) metric(rest []string) {
	if len(rest) == 0 || (rest[0] != string(migrate.Legacy) && rest[0] != string(migrate.Cluster)) {
		r.fatalf("metric: want legacy or cluster first")
	}
	side := migrate.Side(rest[0])
	a := r.args(rest[1:], "success-ratio", "p99-seconds")
	res := migrate.MetricResult{Side: side, At: r.now}
	for _, c := range r.s.Config.Gates.Metrics.For(side) {
		v, ok := a.str(c.Name)
		if !ok {
			r.fatalf("metric: %s= is missing", c.Name)
		}
		var n float64
		var err error
		switch v {
		case "none":
			err = gate.ErrNoData
		case "error":
			err = errors.New("connection refused")
		default:
			if n, err = strconv.ParseFloat(v, 64); err != nil {
				r.fatalf("metric: %s=%q: not a number, none or error", c.Name, v)
			}
		}
		res.Evidence = append(res.Evidence, gate.Judge(c, r.s.Config.Gates.Metrics.Prometheus, r.now, n, err))
	}
	r.step(res)
}
