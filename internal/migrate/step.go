package migrate

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"ferry.dev/ferry/internal/gate"
)

// Step is the whole migration algorithm: given a state and one input it
// returns the next state and the actions to perform. It is pure: no I/O, no
// clock, no randomness, and s is not modified.
func Step(s State, in Input) (State, []Action) {
	m := &machine{s: clone(s)}
	if m.s.Stage.Terminal() && !rollbackAfterAbort(m.s, in) {
		m.log("ignoring input: the migration has ended", "stage", string(m.s.Stage))
		return m.s, m.acts
	}
	switch in := in.(type) {
	case Start:
		m.start(in)
	case Restarted:
		m.restarted(in.Now)
	case Tick:
		m.tick(in.Now)
	case GateResult:
		m.gate(in)
	case MetricResult:
		m.metric(in)
	case HookRollback:
		m.hookRollback(in)
	case Observed:
		m.observed(in)
	case LegacyTraffic:
		m.traffic(in)
	case Command:
		if in.Now.After(m.s.Now) {
			m.s.Now = in.Now
		}
		m.command(in.Kind)
	case ActionDone:
		m.done(in)
	case ActionFailed:
		m.failed(in)
	}
	return m.s, m.acts
}

// rollbackAfterAbort: an aborted migration left the split as it was, and
// the operator may still put legacy back.
func rollbackAfterAbort(s State, in Input) bool {
	c, ok := in.(Command)
	return ok && c.Kind == Rollback && s.Stage == StageAborted
}

// machine accumulates one Step's new state and actions.
type machine struct {
	s    State
	acts []Action
	// why, when set, is the metric evidence behind this Step's decision.
	why []gate.Evidence
}

func clone(s State) State {
	s.Pending = slices.Clone(s.Pending)
	s.Timeline = slices.Clone(s.Timeline)
	s.Calls = slices.Clone(s.Calls)
	s.Health = maps.Clone(s.Health)
	s.Metrics = maps.Clone(s.Metrics)
	if s.Health == nil {
		s.Health = map[Side]SideHealth{}
	}
	return s
}

// log emits a Log action: a decision and the numbers behind it.
func (m *machine) log(msg string, kv ...string) {
	a := Action{Kind: Log, Message: msg, Fields: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		a.Fields[kv[i]] = kv[i+1]
	}
	m.acts = append(m.acts, a)
}

// event adds a timeline entry and logs it.
func (m *machine) event(kind EventKind, msg string, kv ...string) {
	m.s.Timeline = append(m.s.Timeline, Event{
		At: m.s.Now, Kind: kind, Stage: m.s.Stage, Step: m.s.Step, Weights: m.s.Weights, Message: msg,
		Evidence: m.evidence(),
	})
	m.log(msg, append([]string{"stage", string(m.s.Stage), "weights", m.s.Weights.String()}, kv...)...)
}

func (m *machine) start(in Start) {
	if m.s.Stage != StagePending {
		m.log("ignoring start: already started", "stage", string(m.s.Stage))
		return
	}
	m.s.Now, m.s.Started, m.s.Since = in.Now, in.Now, in.Now
	m.s.Record, m.s.PreviewRecord = in.Record, in.PreviewRecord
	m.s.Stage = StagePreview
	cfg := m.s.Config
	if cfg.PreviewDomain != "" {
		m.event(EventStage, "preview: pointing "+cfg.PreviewDomain+" at the cluster", "cluster", cfg.Cluster)
		m.issue(PointPreview, m.s.Weights)
		return
	}
	m.event(EventStage, "preview: no preview domain; comparing both sides")
	m.issue(RunParity, m.s.Weights)
}

func (m *machine) restarted(now time.Time) {
	m.s.Now = now
	m.s.RetryAt = time.Time{}
	// Gate verdicts from before the stop are stale: nothing is promoted
	// until fresh probes pass again.
	m.s.Health, m.s.Metrics = map[Side]SideHealth{}, nil
	if (m.s.Stage == StagePreview || m.s.Stage == StageShift) && len(m.s.Pending) == 0 {
		// Nobody watched the sides while stopped: the hold starts again,
		// counting only time observed.
		m.s.Since = now
	}
	if m.s.Alert != "" {
		// A change that waits for the operator (refused, drifted, failing
		// too long) waits for resume, rollback or abort, not a restart.
		m.event(EventResumed, fmt.Sprintf("restarted; %d action(s) wait for the operator: %s", len(m.s.Pending), m.s.Alert))
		return
	}
	m.event(EventResumed, fmt.Sprintf("resumed; performing %d pending action(s) again", len(m.s.Pending)))
	m.performPending()
}

func (m *machine) tick(now time.Time) {
	m.s.Now = now
	if len(m.s.Pending) > 0 {
		if m.s.Alert == "" && !m.s.RetryAt.IsZero() && !now.Before(m.s.RetryAt) {
			m.s.RetryAt = time.Time{}
			attempt := 1
			if m.s.Retrying != nil {
				attempt = m.s.Retrying.Attempts + 1
			}
			m.log("retrying", "attempt", fmt.Sprint(attempt))
			m.performPending()
		}
		return
	}
	switch m.s.Stage {
	case StagePreview:
		if m.s.Parity.OK() && m.ready() {
			m.beginShift("hold passed and cluster gate passing")
		}
	case StageShift:
		if m.ready() && m.hooksCleared() {
			m.advance("hold passed and cluster gate passing")
		}
	case StageDrain:
		if m.drained() {
			m.s.Stage, m.s.LegacyAlert = StageDone, ""
			m.event(EventStage, "done: legacy has drained", "legacyRate", fmt.Sprint(m.s.LegacyRate))
			m.acts = append(m.acts, Action{Kind: Finish})
		}
	}
}

// ready reports whether the current step may be left automatically.
func (m *machine) ready() bool {
	cfg := m.s.Config
	if m.s.Paused || m.s.Now.Sub(m.s.Since) < cfg.Hold || m.s.Health[Cluster].Status != GatePass || !m.metricsPass(Cluster) {
		return false
	}
	if cfg.Promotion == PromotionManual {
		if !m.s.AwaitingPromotion {
			m.s.AwaitingPromotion = true
			m.log("hold passed; waiting for manual promotion", healthFields(m.s.Health[Cluster])...)
		}
		return false
	}
	return true
}

func (m *machine) beginShift(why string) {
	m.s.Stage, m.s.Step, m.s.AwaitingPromotion = StageShift, -1, false
	m.s.Target = Weights{Legacy: 100}
	m.event(EventStage, "shift: adopting the domain's record into a weighted set at legacy 100%",
		append([]string{"why", why}, healthFields(m.s.Health[Cluster])...)...)
	m.issue(AdoptRecord, m.s.Target)
}

// advance moves from the current step to the next, or to cutover.
func (m *machine) advance(why string) {
	steps := m.s.Config.Steps
	m.s.AwaitingPromotion = false
	kv := append([]string{"why", why}, healthFields(m.s.Health[Cluster])...)
	if m.s.Step >= len(steps)-1 {
		m.s.Stage = StageCutover
		m.s.Target = Weights{Cluster: 100}
		m.event(EventStage, "cutover: removing the legacy record", kv...)
		m.issue(RemoveLegacy, m.s.Target)
		return
	}
	m.s.Step++
	m.s.Target = Weights{Legacy: 100 - steps[m.s.Step], Cluster: steps[m.s.Step]}
	m.log(fmt.Sprintf("promoting to step %d/%d: %s", m.s.Step+1, len(steps), m.s.Target), kv...)
	m.issue(SetWeights, m.s.Target)
}

func (m *machine) drained() bool {
	cfg := m.s.Config
	if m.s.Now.Sub(m.s.Since) < time.Duration(cfg.Drain.TTLMultiple)*cfg.TTL {
		return false
	}
	if !cfg.Drain.HasTrafficSource() {
		return true
	}
	return !m.s.QuietSince.IsZero() && m.s.Now.Sub(m.s.QuietSince) >= cfg.TTL
}

func (m *machine) traffic(in LegacyTraffic) {
	if m.s.Stage != StageDrain {
		return
	}
	if in.Err != "" {
		// The rate is unknown: quiet must be seen again, and status says
		// why the drain does not end.
		if m.s.TrafficError != in.Err {
			m.log("reading the legacy traffic rate failed; the drain waits for it", "error", in.Err)
		}
		m.s.TrafficError, m.s.QuietSince = in.Err, time.Time{}
		return
	}
	if m.s.TrafficError != "" {
		m.log("legacy traffic rate readable again", "rate", fmt.Sprint(in.Rate))
	}
	m.s.TrafficError = ""
	rate := in.Rate
	m.s.LegacyRate = rate
	quiet := rate <= m.s.Config.Drain.Threshold
	switch {
	case quiet && m.s.QuietSince.IsZero():
		m.s.QuietSince = m.s.Now
		m.log("legacy traffic under threshold", "rate", fmt.Sprint(rate), "threshold", fmt.Sprint(m.s.Config.Drain.Threshold))
	case !quiet && !m.s.QuietSince.IsZero():
		m.s.QuietSince = time.Time{}
		m.log("legacy traffic over threshold again", "rate", fmt.Sprint(rate), "threshold", fmt.Sprint(m.s.Config.Drain.Threshold))
	}
}
