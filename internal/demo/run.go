package demo

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/store"
)

// StageLegacyOff labels the summary's last stage of a finished demo: the
// legacy backend shut down, clients still running for one more TTL.
const StageLegacyOff = "legacy-off"

func (d *run) run(ctx context.Context, dir string) (*Summary, error) {
	cfg := d.config()
	cfg.Gates.Metrics = d.metrics(cfg.Gates)
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("demo settings: %w", err)
	}
	stateDir := d.opt.StateDir
	if stateDir == "" {
		stateDir = dir + "/state"
	}
	st, err := store.NewFile(stateDir)
	if err != nil {
		return nil, err
	}
	// Held like a "ferry migrate start" holds it, so a dashboard on the
	// state directory sees who runs the demo and hands it commands.
	lock, err := st.Lock(Domain, store.ThisProcess("ferry demo"))
	if err != nil {
		return nil, err
	}
	defer func() { _ = lock.Unlock() }()
	ex := &migrate.Executor{Provider: d.srv, Store: st, Commands: st, Logger: d.opt.Logger, Observe: d.observe}
	if ex.Start, err = migrate.ReadDomain(ctx, d.srv, cfg); err != nil {
		return nil, err
	}
	if err := d.scraped(ctx); err != nil {
		return nil, err
	}
	if d.opt.Ready != nil {
		d.opt.Ready(Ready{DNSAddr: d.srv.DNSAddr(), StateDir: stateDir})
	}
	d.stats.enter("before", migrate.Weights{Legacy: 100}, time.Now())
	clients, stopClients := context.WithCancel(ctx)
	var wg sync.WaitGroup
	d.startClients(clients, &wg)
	stopTicker := d.tickProgress(ctx)
	final, err := ex.Run(ctx, migrate.NewState(cfg))
	switch {
	case err == nil && final.Stage == migrate.StageRolledBack:
		// Let clients' caches expire so the summary shows traffic back on
		// legacy and failures ended within one TTL.
		sleep(ctx, d.opt.TTL+time.Second)
	case err == nil && final.Stage == migrate.StageDone:
		// Zero failures proves the drain was long enough only if legacy
		// is really gone: shut it down and keep the load for one more
		// TTL; a client still using a legacy answer now fails, and counts.
		d.stats.enter(StageLegacyOff, final.Weights, time.Now())
		_ = d.legacy.close()
		sleep(ctx, d.opt.TTL+time.Second)
	}
	stopClients()
	wg.Wait()
	stopTicker()
	if err != nil {
		return nil, fmt.Errorf("running the migration: %w", err)
	}
	return d.summary(final), nil
}

func (d *run) startClients(ctx context.Context, wg *sync.WaitGroup) {
	hc := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{
		MaxIdleConnsPerHost: d.opt.Workers, IdleConnTimeout: 30 * time.Second,
	}}
	every := time.Duration(int64(time.Second) * int64(d.opt.Workers) / int64(d.opt.Rate))
	for range d.opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			worker(ctx, newResolver(d.srv.DNSAddr()), hc, Domain, d.port, every, d.stats.record)
		}()
	}
}

// observe sees every new migration state: it labels client requests with
// the stage DNS is in, makes the cluster fail at FailAt, and reports
// progress.
func (d *run) observe(s migrate.State) {
	now := time.Now()
	d.stats.enter(label(s), s.Weights, now)
	if d.opt.FailAt > 0 && s.Weights.Cluster >= d.opt.FailAt && !d.cluster.failing.Load() && !s.Stage.Terminal() {
		d.cluster.failing.Store(true)
		d.mu.Lock()
		d.failStarted = now
		d.mu.Unlock()
	}
	d.mu.Lock()
	d.last = s
	var fresh []migrate.Event
	if len(s.Timeline) > d.events {
		fresh = s.Timeline[d.events:]
		d.events = len(s.Timeline)
	}
	d.mu.Unlock()
	for i := range fresh {
		d.progress(s, &fresh[i])
	}
}

func label(s migrate.State) string {
	switch {
	case s.Stage == migrate.StageShift && s.Weights.Cluster > 0:
		return fmt.Sprintf("shift %d%%", s.Weights.Cluster)
	case s.Stage == migrate.StageShift:
		return "shift (adopt)"
	}
	return string(s.Stage)
}

func (d *run) progress(s migrate.State, e *migrate.Event) {
	if d.opt.Progress == nil {
		return
	}
	total, failed, perSide, _ := d.stats.snapshot()
	var sum Summary
	d.stats.summarise(&sum, time.Now())
	d.opt.Progress(Progress{Elapsed: time.Since(d.start), State: s, Event: e, Requests: total, Failed: failed, PerSide: perSide, Stages: sum.Stages})
}

// tickProgress reports progress once a second until stopped.
func (d *run) tickProgress(ctx context.Context) func() {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				d.mu.Lock()
				s := d.last
				d.mu.Unlock()
				d.progress(s, nil)
			}
		}
	}()
	return func() { cancel(); <-done }
}

func (d *run) summary(final migrate.State) *Summary {
	end := time.Now()
	sum := &Summary{
		Result: string(final.Stage), Reason: final.Reason, FailAt: d.opt.FailAt, Timeline: final.Timeline,
		ProbeInterval: d.opt.Interval.Seconds(), TTLSeconds: d.opt.TTL.Seconds(),
		ProbesPerInterval: migrate.BatchSize(final.Config.Gates), GateFailures: final.Config.Gates.Failures,
		DurationSeconds: secs(end.Sub(d.start)),
	}
	d.stats.summarise(sum, end)
	d.mu.Lock()
	sum.FailStarted = d.failStarted
	d.mu.Unlock()
	if final.Stage == migrate.StageRolledBack {
		for _, e := range final.Timeline {
			switch e.Stage {
			case migrate.StageRollingBack:
				sum.DecidedAt = e.At
			case migrate.StageRolledBack:
				sum.RolledBackAt = e.At
			}
		}
		if !sum.FailStarted.IsZero() && !sum.RolledBackAt.IsZero() {
			sum.DecisionSeconds = secs(sum.RolledBackAt.Sub(sum.FailStarted))
		}
		sum.FailingProbes = d.cluster.failedProbesBefore(sum.DecidedAt)
	}
	for _, f := range sum.FailedRequests {
		late := !sum.RolledBackAt.IsZero() && !f.ResolvedAt.Before(sum.RolledBackAt)
		if late || f.ResolvedAt.IsZero() || f.At.Sub(f.ResolvedAt) > d.opt.TTL {
			sum.LateFailures++
		}
	}
	return sum
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
