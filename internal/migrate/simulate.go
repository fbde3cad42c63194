package migrate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/gate"
)

// maxPlanSteps bounds a simulated run: a plan that has not ended by then
// is a bug in the engine, reported rather than looped on.
const maxPlanSteps = 1_000_000

// Plan lists every DNS change a healthy migration of cfg makes, in order,
// followed by what a rollback from the first step writes. It is the engine
// itself, stepped against a dns.Recorder seeded with today's records
// (start.Record, start.PreviewRecord) while both sides pass their gates, so
// a plan and a run cannot diverge: a change the recorder refuses (its
// condition fails) is an error. It is pure.
func Plan(cfg Config, start Start) ([]Change, error) {
	healthy, err := simulate(cfg, start, func(State) bool { return false })
	if err != nil {
		return nil, err
	}
	drain := time.Duration(cfg.Drain.TTLMultiple) * cfg.TTL
	healthy.changes = append(healthy.changes, Change{Stage: StageDone, At: healthy.now.Sub(healthy.t0),
		When: fmt.Sprintf("after %v of drain (%d×TTL)", drain, cfg.Drain.TTLMultiple)})
	firstStep := func(s State) bool { return s.Stage == StageShift && s.Step == 0 && len(s.Pending) == 0 }
	back, err := simulate(cfg, start, firstStep)
	if err != nil {
		return nil, err
	}
	if err := back.feed(Command{Kind: Rollback, Now: back.now}); err != nil {
		return nil, err
	}
	for _, c := range back.changes {
		if c.Action == RestoreLegacy {
			c.When = "on rollback from shift, cutover or drain"
			healthy.changes = append(healthy.changes, c)
		}
	}
	return healthy.changes, nil
}

// sim is one simulated run.
type sim struct {
	cfg     Config
	rec     *dns.Recorder
	s       State
	t0, now time.Time
	changes []Change
}

// simulate runs a healthy migration until it ends or stop says so.
func simulate(cfg Config, start Start, stop func(State) bool) (*sim, error) {
	var seed []dns.RecordSet
	for _, r := range []Seen{start.Record, start.PreviewRecord} {
		if r.Exists {
			seed = append(seed, *r.Set)
		}
	}
	t0 := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	m := &sim{cfg: cfg, rec: dns.NewRecorder(seed...), s: NewState(cfg), t0: t0, now: t0}
	start.Now = t0
	if err := m.feed(start); err != nil {
		return nil, err
	}
	for range maxPlanSteps {
		if m.s.Stage.Terminal() || stop(m.s) {
			return m, nil
		}
		if err := m.healthyInterval(); err != nil {
			return nil, err
		}
	}
	return nil, errors.New("planning: the simulated migration did not end")
}

// healthyInterval passes one gate interval with both sides healthy.
func (m *sim) healthyInterval() error {
	m.now = m.now.Add(m.cfg.Gates.Interval)
	n := max(m.cfg.Gates.MinRequests, BatchSize(m.cfg.Gates))
	ins := []Input{
		GateResult{Side: Legacy, N: n, SuccessRatio: 1, At: m.now},
		GateResult{Side: Cluster, N: n, SuccessRatio: 1, At: m.now},
		LegacyTraffic{},
	}
	for _, side := range []Side{Legacy, Cluster} {
		if checks := m.cfg.Gates.Metrics.For(side); len(checks) > 0 {
			ins = append(ins, passingMetrics(side, checks, m.now))
		}
	}
	ins = append(ins, Tick{Now: m.now})
	if m.s.AwaitingPromotion {
		ins = append(ins, Command{Kind: Promote, Now: m.now})
	}
	for _, in := range ins {
		if err := m.feed(in); err != nil {
			return err
		}
	}
	return nil
}

// passingMetrics is an evaluation of checks in which each value sits at
// its threshold: passing, as the simulated healthy world does.
func passingMetrics(side Side, checks []gate.Check, at time.Time) MetricResult {
	r := MetricResult{Side: side, At: at}
	for _, c := range checks {
		r.Evidence = append(r.Evidence, gate.Judge(c, "simulated", at, c.Threshold, nil))
	}
	return r
}

// feed steps the engine with in and answers every action it asks for, as
// a healthy world would.
func (m *sim) feed(in Input) error {
	queue := []Input{in}
	for len(queue) > 0 {
		var acts []Action
		m.s, acts = Step(m.s, queue[0])
		queue = queue[1:]
		for _, a := range acts {
			if !a.NeedsReply() {
				continue
			}
			if a.Kind == RunParity || a.Kind == CallHooks {
				queue = append(queue, ActionDone{ID: a.ID, Now: m.now, Detail: "simulated"})
				continue
			}
			if err := m.rec.Replace(context.Background(), *a.Set, condition(a.Expect)); err != nil {
				return fmt.Errorf("planning %s: %w", a.Kind, err)
			}
			c := Change{Stage: m.s.Stage, Action: a.Kind, Record: a.Set,
				Condition: describeCondition(a.Expect), At: m.now.Sub(m.t0), When: m.when(a)}
			if a.Expect != nil && a.Expect.Exists {
				c.Previous = a.Expect.Set
			}
			m.changes = append(m.changes, c)
			queue = append(queue, ActionDone{ID: a.ID, Now: m.now})
		}
	}
	return nil
}

func describeCondition(seen *Seen) string {
	if seen == nil || !seen.Exists {
		return "if there is no record"
	}
	return "if it still is " + seen.String()
}

// when says what a change waits for.
func (m *sim) when(a Action) string {
	after := "after "
	if m.cfg.Promotion == PromotionManual {
		after = "on promote (manual), after "
	}
	hold := fmt.Sprintf("a %v hold with the cluster gate passing", m.cfg.Hold)
	switch {
	case a.Kind == PointPreview:
		return "at start"
	case a.Kind == AdoptRecord:
		return after + "parity and " + hold
	case a.Kind == SetWeights && m.s.Step == 0:
		return "at once, once the record is adopted"
	case a.Kind == RestoreLegacy:
		return "on rollback"
	}
	return after + hold
}
