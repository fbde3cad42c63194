package migrate

import (
	"context"
	"log/slog"
	"math"
	"time"

	"ferry.dev/ferry/internal/probe"
)

// HTTPSensors probe both sides over HTTP(S) and poll the legacy traffic
// source; they are the Sensors of a real migration.
type HTTPSensors struct {
	cfg     Config
	log     *slog.Logger
	probers map[Side]*probe.Prober
}

var _ Sensors = (*HTTPSensors)(nil)

// NewSensors builds probes aimed at each side of cfg.
func NewSensors(cfg Config, log *slog.Logger) (*HTTPSensors, error) {
	hs := &HTTPSensors{cfg: cfg, log: log, probers: map[Side]*probe.Prober{}}
	timeout := max(cfg.Gates.P99Latency*2, time.Second)
	for side, addr := range map[Side]string{Legacy: cfg.Legacy, Cluster: cfg.Cluster} {
		p, err := probe.New(probe.Target{
			Address: addr, Domain: cfg.Domain, Scheme: cfg.Gates.Scheme,
		}, timeout)
		if err != nil {
			return nil, err
		}
		hs.probers[side] = p
	}
	return hs, nil
}

// Run sends each side a batch of probes every gate interval and reports
// the window's numbers after each batch, and evaluates the metric gates
// every metrics interval.
func (h *HTTPSensors) Run(ctx context.Context, out chan<- Input) {
	for side, p := range h.probers {
		go h.probeLoop(ctx, side, p, out)
	}
	if h.cfg.Drain.HasTrafficSource() {
		go h.trafficLoop(ctx, out)
	}
	if h.cfg.Gates.Metrics != nil {
		go metricLoop(ctx, h.cfg.Gates.Metrics, out)
	}
	<-ctx.Done()
	for _, p := range h.probers {
		p.Close()
	}
}

// BatchSize is how many probes each side gets per gate interval: enough
// that a full window holds more than 1/(1-successRatio) measurements, so
// one failed probe cannot fail a healthy side while a side failing one
// request in five fails at its first evaluation; at least one per path and
// MinRequests per window, at most maxBatch.
func BatchSize(g Gates) int {
	perWindow := max(int(g.Window/g.Interval), 1)
	need := g.MinRequests
	if g.SuccessRatio < 1 {
		need = max(need, int(math.Ceil(1/(1-g.SuccessRatio)))+1)
	}
	n := (need + perWindow - 1) / perWindow
	return min(max(n, len(g.Paths)), maxBatch)
}

// maxBatch bounds the probes per side per interval (25/s at the default
// interval), a load no real service notices.
const maxBatch = 25

func (h *HTTPSensors) probeLoop(ctx context.Context, side Side, p *probe.Prober, out chan<- Input) {
	g := h.cfg.Gates
	w := &probe.Window{Span: g.Window}
	n := BatchSize(g)
	t := time.NewTicker(g.Interval)
	defer t.Stop()
	for {
		batch := p.Batch(ctx, g.Paths, n)
		hard := true
		for _, smp := range batch {
			w.Add(smp)
			hard = hard && !smp.OK
		}
		st := w.Stats()
		r := GateResult{Side: side, N: st.N, SuccessRatio: st.SuccessRatio, P50: st.P50, P99: st.P99, Hard: hard, At: time.Now()}
		if !send(ctx, out, r) || !pause(ctx, t) {
			return
		}
	}
}

func (h *HTTPSensors) trafficLoop(ctx context.Context, out chan<- Input) {
	d := h.cfg.Drain
	t := time.NewTicker(h.cfg.Gates.Interval)
	defer t.Stop()
	for {
		in := LegacyTraffic{}
		rate, err := probe.LegacyRate(ctx, d.TrafficURL, d.Prometheus, d.Query)
		if err != nil {
			in.Err = err.Error() // the engine records it for status
		} else {
			in.Rate = rate
		}
		if !send(ctx, out, in) || !pause(ctx, t) {
			return
		}
	}
}

// Parity compares both sides on the configured paths.
func (h *HTTPSensors) Parity(ctx context.Context) (int, string) {
	r := probe.Parity(ctx, h.probers[Legacy], h.probers[Cluster], h.cfg.Parity.Paths, h.cfg.Parity.CompareBodies)
	return len(r.Mismatches), r.String()
}
