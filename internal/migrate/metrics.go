package migrate

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"ferry.dev/ferry/internal/gate"
)

// MetricHealth is a side's latest metric gate evaluation and its verdict.
type MetricHealth struct {
	Status GateStatus `json:"status"`
	// Failing is the most failing evaluations in a row of any check
	// (CheckFailing holds each check's); Inconclusive counts the side's
	// evaluations without an answer in a row.
	Failing      int             `json:"failing"`
	CheckFailing map[string]int  `json:"checkFailing,omitempty"`
	Inconclusive int             `json:"inconclusive"`
	Evidence     []gate.Evidence `json:"evidence"`
	// Idle is set when the side carried no traffic at the evaluation:
	// there was nothing real to judge, and the verdict did not count.
	Idle bool `json:"idle,omitempty"`
	// Carrying is when the side was first evaluated carrying traffic;
	// no answer within Metrics.Warmup of it is not counted.
	Carrying time.Time `json:"carrying,omitempty"`
}

// JudgeMetrics is a side's metric verdict after one evaluation of its
// checks at now, given its previous one; carrying says whether the side
// had traffic (a DNS weight above 0) to judge. An answer missing within
// warmup of the side starting to carry traffic is inconclusive but not
// counted: its metrics may not exist or hold enough samples yet. It is pure.
func JudgeMetrics(prev MetricHealth, es []gate.Evidence, carrying bool, now time.Time, warmup time.Duration) MetricHealth {
	h := MetricHealth{Evidence: latest(prev.Evidence, es), Inconclusive: prev.Inconclusive, Carrying: prev.Carrying,
		CheckFailing: maps.Clone(prev.CheckFailing)}
	if !carrying {
		h.Status, h.Idle, h.Carrying, h.CheckFailing = GateUnknown, true, time.Time{}, nil
		return h
	}
	if h.Carrying.IsZero() {
		h.Carrying = now
	}
	if h.CheckFailing == nil {
		h.CheckFailing = map[string]int{}
	}
	for _, e := range es {
		switch e.Verdict {
		case gate.Pass:
			delete(h.CheckFailing, e.Check)
		case gate.Fail:
			h.CheckFailing[e.Check]++
		}
	}
	for _, n := range h.CheckFailing {
		h.Failing = max(h.Failing, n)
	}
	switch gate.Combine(es) {
	case gate.Inconclusive:
		if now.Sub(h.Carrying) >= warmup {
			h.Inconclusive++
		}
	default:
		h.Inconclusive = 0
	}
	h.Status = map[gate.Verdict]GateStatus{gate.Pass: GatePass, gate.Fail: GateFail, gate.Inconclusive: GateInconclusive}[gate.Combine(h.Evidence)]
	return h
}

// latest is prev with each check's evaluation replaced by its newer one in
// es: the side's verdict is on every check's latest evaluation.
func latest(prev, es []gate.Evidence) []gate.Evidence {
	out := slices.Clone(prev)
	for _, e := range es {
		if i := slices.IndexFunc(out, func(p gate.Evidence) bool { return p.Check == e.Check }); i >= 0 {
			out[i] = e
		} else {
			out = append(out, e)
		}
	}
	return out
}

// carrying reports whether side has a DNS weight above 0: real traffic.
func (m *machine) carrying(side Side) bool {
	if side == Legacy {
		return m.s.Weights.Legacy > 0
	}
	return m.s.Weights.Cluster > 0
}

// metricsPass reports whether side's metric gate lets a step be left: it
// has no checks, carries no traffic, or its latest evaluation passed.
func (m *machine) metricsPass(side Side) bool {
	if len(m.s.Config.Gates.Metrics.For(side)) == 0 || !m.carrying(side) {
		return true
	}
	return m.s.Metrics[side].Status == GatePass
}

// metricsDown reports whether side's metric gate has failed long enough
// to act on.
func (m *machine) metricsDown(side Side) bool {
	h := m.s.Metrics[side]
	for _, c := range m.s.Config.Gates.Metrics.For(side) {
		if h.CheckFailing[c.Name] >= c.FailureLimit && h.CheckFailing[c.Name] > 0 {
			return true
		}
	}
	return false
}

// metric records one evaluation of a side's metric checks and acts on it.
func (m *machine) metric(r MetricResult) {
	if m.s.Config.Gates.Metrics == nil {
		return
	}
	if r.At.After(m.s.Now) {
		m.s.Now = r.At
	}
	if m.s.Metrics == nil {
		m.s.Metrics = map[Side]MetricHealth{}
	}
	prev := m.s.Metrics[r.Side]
	h := JudgeMetrics(prev, r.Evidence, m.carrying(r.Side), m.s.Now, m.s.Config.Gates.Metrics.Warmup)
	m.s.Metrics[r.Side] = h
	if h.Status != prev.Status {
		m.log(fmt.Sprintf("%s metric gate %s", r.Side, h.Status), "side", string(r.Side), "evidence", describe(r.Evidence))
	}
	if m.s.Stage == StageRollingBack || h.Idle {
		return
	}
	m.why = failing(h.Evidence)
	defer func() { m.why = nil }()
	m.watchLegacy()
	if r.Side != Cluster {
		return
	}
	switch h.Status {
	case GateFail:
		if m.s.Stage == StagePreview || m.s.Stage == StageShift {
			m.s.Since = m.s.Now // a step holds with its gates passing throughout
		}
		m.clusterMetricsFailing(h)
	case GateInconclusive:
		m.inconclusive(h)
	}
}

func (m *machine) clusterMetricsFailing(h MetricHealth) {
	if !m.metricsDown(Cluster) {
		m.log(fmt.Sprintf("cluster metric gate failing (%d in a row; each check acts at its own failureLimit)", h.Failing),
			"evidence", describe(m.why))
		return
	}
	reason := fmt.Sprintf("cluster metric gate failed %d evaluations in a row: %s", h.Failing, describe(m.why))
	if m.legacyFailing() {
		m.onFailure(m.s.Config.OnBothFailing, "both sides fail their gates — "+reason+"; legacy: "+m.figures(Legacy))
		return
	}
	m.onFailure(m.s.Config.OnFailure, reason)
}

// inconclusive pauses with an alert once the cluster's metric gate has had
// no answer inconclusiveLimit times in a row: it never passes, and a
// migration must not sit in a step no one can judge without saying so.
func (m *machine) inconclusive(h MetricHealth) {
	mt := m.s.Config.Gates.Metrics
	if h.Inconclusive < mt.InconclusiveLimit || m.s.Paused || (m.s.Stage != StagePreview && m.s.Stage != StageShift) {
		return
	}
	m.s.Paused = true
	m.s.Reason = fmt.Sprintf("cluster metric gate inconclusive %d evaluations in a row: %s", h.Inconclusive, describe(m.why))
	m.event(EventFailure, "ALERT: pausing: "+m.s.Reason+"; resume once Prometheus answers")
	h.Inconclusive = 0 // a resume waits inconclusiveLimit evaluations again
	m.s.Metrics[Cluster] = h
}

// legacyFailing reports whether legacy's latest probe or metric
// evaluation fails.
func (m *machine) legacyFailing() bool {
	return m.s.Health[Legacy].Status == GateFail || m.s.Metrics[Legacy].Status == GateFail
}

// evidence is what a timeline event keeps: the evidence behind the
// decision being made, or else the latest evaluation of both sides.
func (m *machine) evidence() []gate.Evidence {
	if m.why != nil {
		return m.why
	}
	var out []gate.Evidence
	for _, side := range []Side{Legacy, Cluster} {
		out = append(out, m.s.Metrics[side].Evidence...)
	}
	return out
}

// failing is the evidence that decided a verdict: the failing or
// inconclusive evaluations, or all of them when every one passed.
func failing(es []gate.Evidence) []gate.Evidence {
	var out []gate.Evidence
	for _, e := range es {
		if e.Verdict != gate.Pass {
			out = append(out, e)
		}
	}
	if out == nil {
		return es
	}
	return out
}

func describe(es []gate.Evidence) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.String()
	}
	return strings.Join(parts, "; ")
}
