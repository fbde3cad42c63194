package migrate

import (
	"context"
	"log/slog"
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
			Address: addr, Domain: cfg.Domain, Scheme: cfg.Gates.Scheme, Path: cfg.Gates.Paths[0],
		}, timeout)
		if err != nil {
			return nil, err
		}
		hs.probers[side] = p
	}
	return hs, nil
}

// Run probes each side every gate interval (a quarter interval after a
// failure, to confirm it fast) and reports the window's numbers.
func (h *HTTPSensors) Run(ctx context.Context, out chan<- Input) {
	for side, p := range h.probers {
		go h.probeLoop(ctx, side, p, out)
	}
	if h.cfg.Drain.HasTrafficSource() {
		go h.trafficLoop(ctx, out)
	}
	<-ctx.Done()
	for _, p := range h.probers {
		p.Close()
	}
}

func (h *HTTPSensors) probeLoop(ctx context.Context, side Side, p *probe.Prober, out chan<- Input) {
	g := h.cfg.Gates
	w := &probe.Window{Span: g.Window}
	var wait time.Duration
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		smp := p.Sample(ctx)
		w.Add(smp)
		st := w.Stats()
		select {
		case out <- GateResult{Side: side, N: st.N, SuccessRatio: st.SuccessRatio, P50: st.P50, P99: st.P99,
			LastOK: smp.OK, LastLatency: smp.Latency, At: time.Now()}:
		case <-ctx.Done():
			return
		}
		wait = g.Interval
		if !smp.OK || smp.Latency > g.P99Latency {
			wait = g.Interval / 4
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
		select {
		case out <- in:
		case <-ctx.Done():
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Parity compares both sides on the configured paths.
func (h *HTTPSensors) Parity(ctx context.Context) (int, string) {
	r := probe.Parity(ctx, h.probers[Legacy], h.probers[Cluster], h.cfg.Parity.Paths, h.cfg.Parity.CompareBodies)
	return len(r.Mismatches), r.String()
}
