package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"ferry.dev/ferry/internal/gate"
	"ferry.dev/ferry/internal/migrate"
)

// metricsWindow is the rate window of the demo's metric gates: a
// Prometheus scraping the backends every second or two fills it.
const metricsWindow = 10 * time.Second

// metrics are the demo's metric gates: the exporter shape on both sides,
// with the probe gate's thresholds.
func (d *run) metrics(g migrate.Gates) *migrate.Metrics {
	if d.opt.Prometheus == "" {
		return nil
	}
	mt := &migrate.Metrics{Prometheus: d.opt.Prometheus, Interval: d.opt.Interval, FailureLimit: g.Failures,
		InconclusiveLimit: 3, Warmup: metricsWindow}
	for _, side := range []string{"legacy", "cluster"} {
		cs, _ := gate.Builtin("exporter", gate.Vars{Side: side, Domain: Domain, Service: "api", Window: metricsWindow}, g.SuccessRatio, g.P99Latency)
		for _, c := range cs {
			c.Interval, c.FailureLimit = mt.Interval, mt.FailureLimit
			mt.Checks = append(mt.Checks, c)
		}
	}
	return mt
}

// targets are the backends' scrape targets by job.
func (d *run) targets() map[string]string {
	return map[string]string{"api-legacy": d.legacy.addr, "api-cluster": d.cluster.addr}
}

// writeTargets writes the backends as a Prometheus file_sd_configs file.
func writeTargets(path string, targets map[string]string) error {
	var groups []map[string]any
	for job, addr := range targets {
		groups = append(groups, map[string]any{"targets": []string{addr}, "labels": map[string]string{"job": job}})
	}
	body, err := json.Marshal(groups)
	if err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err := os.WriteFile(tmp, body, 0o644); err != nil {
		return fmt.Errorf("writing the scrape targets: %w", err)
	}
	return os.Rename(tmp, path)
}

// scraped tells where the backends are and, with a Prometheus, waits
// until it scrapes them.
func (d *run) scraped(ctx context.Context) error {
	if d.opt.Targets != nil {
		d.opt.Targets(d.targets())
	}
	if d.opt.TargetsFile != "" {
		if err := writeTargets(d.opt.TargetsFile, d.targets()); err != nil {
			return err
		}
	}
	if d.opt.Prometheus == "" {
		return nil
	}
	return d.waitScraped(ctx)
}

// waitScraped waits until Prometheus scrapes both backends, so the
// metric gates judge real data from the start; it gives up after 30s
// with what to configure.
func (d *run) waitScraped(ctx context.Context) error {
	p, err := gate.NewPrometheus(d.opt.Prometheus, "", "", 2*time.Second)
	if err != nil {
		return err
	}
	q := `count(up{job=~"api-legacy|api-cluster"} == 1)`
	var last error
	for range 60 {
		v, err := p.Query(ctx, q)
		if err == nil && v == 2 {
			return nil
		}
		if last = err; err == nil {
			last = fmt.Errorf("%g of the 2 backends are up", v)
		}
		if sleep(ctx, 500*time.Millisecond); ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return fmt.Errorf("prometheus at %s does not scrape the demo's backends (%s → %w): scrape %v at /metrics every 1-2s (--prometheus-targets FILE writes them for file_sd_configs)",
		d.opt.Prometheus, q, last, d.targets())
}
