package migrate

import (
	"fmt"
	"strconv"
)

// Judge is the verdict on one evaluation of a side's window, given the
// side's previous health. A side fails when its window, holding at least
// MinRequests measurements, is below SuccessRatio or above P99Latency, or
// at once when a whole batch of probes failed (Hard). Failing counts
// failing evaluations in a row; too few measurements neither pass nor fail
// and leave the count as it was. It is pure.
func Judge(g Gates, prev SideHealth, r GateResult) SideHealth {
	h := SideHealth{N: r.N, SuccessRatio: r.SuccessRatio, P50: r.P50, P99: r.P99, Status: GatePass}
	switch {
	case r.Hard:
		h.Status = GateFail
	case r.N < g.MinRequests:
		h.Status, h.Failing = GateUnknown, prev.Failing
	case r.SuccessRatio < g.SuccessRatio || r.P99 > g.P99Latency:
		h.Status = GateFail
	}
	if h.Status == GateFail {
		h.Failing = prev.Failing + 1
	}
	return h
}

// down reports whether a side has failed long enough to act on.
func (m *machine) down(side Side) bool {
	h := m.s.Health[side]
	return h.Status == GateFail && h.Failing >= m.s.Config.Gates.Failures
}

// gate records one side's evaluation and acts on the sides' health.
func (m *machine) gate(g GateResult) {
	if g.At.After(m.s.Now) {
		m.s.Now = g.At // decisions made on this result are stamped with its time
	}
	prev := m.s.Health[g.Side]
	h := Judge(m.s.Config.Gates, prev, g)
	m.s.Health[g.Side] = h
	if h.Status != prev.Status {
		m.log(fmt.Sprintf("%s gate %s", g.Side, h.Status), append([]string{"side", string(g.Side)}, healthFields(h)...)...)
	}
	if g.Side == Cluster && m.s.PromotionRequested && h.Status != GateUnknown {
		m.promote() // the verdict a promotion waited for; refused if failing
	}
	if m.s.Stage == StageRollingBack {
		return
	}
	m.watchLegacy()
	if g.Side == Cluster && h.Status == GateFail {
		if m.s.Stage == StagePreview || m.s.Stage == StageShift {
			m.s.Since = m.s.Now // a step holds with its gate passing throughout
		}
		m.clusterFailing()
	}
}

// watchLegacy raises the legacy alert when legacy has failed for
// gates.failures evaluations, and clears it once legacy passes again.
func (m *machine) watchLegacy() {
	switch {
	case (m.down(Legacy) || m.metricsDown(Legacy)) && m.s.LegacyAlert == "":
		m.s.LegacyAlert = "legacy fails its gate: " + m.figures(Legacy)
		m.event(EventAlert, "ALERT: "+m.s.LegacyAlert+"; ferry will not roll back onto it by itself")
	case m.s.LegacyAlert != "" && m.s.Health[Legacy].Status == GatePass && m.s.Metrics[Legacy].Status != GateFail:
		m.s.LegacyAlert = ""
		m.event(EventAlert, "legacy passes its gate again: "+m.figures(Legacy))
	}
}

// clusterFailing acts on a failing cluster window: after gates.failures
// evaluations in a row, onFailure; when legacy's latest evaluation fails
// too, onBothFailing, because rolling back would move traffic onto a side
// failing right now.
func (m *machine) clusterFailing() {
	h, cfg := m.s.Health[Cluster], m.s.Config
	if h.Failing < cfg.Gates.Failures {
		m.log(fmt.Sprintf("cluster gate failing (%d of %d evaluations in a row before acting)", h.Failing, cfg.Gates.Failures),
			healthFields(h)...)
		return
	}
	reason := fmt.Sprintf("cluster gate failed %d evaluations in a row: %s", h.Failing, m.figures(Cluster))
	if m.legacyFailing() {
		m.onFailure(cfg.OnBothFailing, "both sides fail their gates — "+reason+"; legacy: "+m.figures(Legacy)+
			fmt.Sprintf(" (are the gate paths %v right?)", cfg.Gates.Paths))
		return
	}
	m.onFailure(cfg.OnFailure, reason)
}

// figures are a side's gate numbers against their thresholds.
func (m *machine) figures(side Side) string {
	h, g := m.s.Health[side], m.s.Config.Gates
	s := fmt.Sprintf("success %.3f (min %.3f), p99 %v (max %v), n=%d", h.SuccessRatio, g.SuccessRatio, h.P99, g.P99Latency, h.N)
	if mh := m.s.Metrics[side]; mh.Status == GateFail {
		s += "; metrics: " + describe(failing(mh.Evidence))
	}
	return s
}

// onFailure rolls back or pauses, as policy says. A paused migration
// keeps its gates watched; it moves again on the operator's resume.
func (m *machine) onFailure(policy OnFailure, reason string) {
	if policy == OnFailureRollback {
		m.rollback(reason)
		return
	}
	if !m.s.Paused {
		m.s.Paused = true
		m.s.Reason = reason
		m.event(EventFailure, "ALERT: pausing: "+reason)
	}
}

func healthFields(h SideHealth) []string {
	return []string{
		"n", strconv.Itoa(h.N), "success", strconv.FormatFloat(h.SuccessRatio, 'f', 4, 64),
		"p50", h.P50.String(), "p99", h.P99.String(), "gate", string(h.Status),
	}
}
