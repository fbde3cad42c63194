package migrate

import (
	"fmt"
	"time"
)

// ReasonOperatorRollback is State.Reason of a rollback the operator asked
// for (every other rollback is a failure: a gate, parity, a DNS change).
const ReasonOperatorRollback = "operator asked for a rollback"

func (m *machine) command(kind CommandKind) {
	switch kind {
	case Pause:
		m.s.Paused = true
		m.event(EventCommand, "paused by operator")
	case Resume:
		m.resume()
	case Rollback:
		m.rollback(ReasonOperatorRollback)
	case Abort:
		m.s.Stage, m.s.Pending, m.s.Alert, m.s.Drift, m.s.Retrying = StageAborted, nil, "", nil, nil
		m.s.AwaitingPromotion, m.s.PromotionRequested = false, false
		m.event(EventStage, "aborted by operator; DNS left as it is, unwatched (a rollback can still put legacy back)")
		m.acts = append(m.acts, Action{Kind: Finish})
	case Promote:
		m.promote()
	default:
		m.log("ignoring unknown command", "command", string(kind))
	}
}

func (m *machine) resume() {
	m.s.Paused = false
	if m.s.Stage != StageRollingBack {
		m.s.Reason = "" // a rollback keeps its reason
	}
	m.event(EventCommand, "resumed by operator")
	if m.s.Drift != nil {
		m.continueFromDrift()
	}
	if m.s.Alert != "" {
		// The operator says the cause is fixed: the waiting change is
		// made again, conditional on the record as last seen.
		m.s.Alert, m.s.Retrying, m.s.RetryAt = "", nil, time.Time{}
		if len(m.s.Pending) > 0 {
			m.log("performing the waiting DNS change again", "stage", string(m.s.Stage))
			m.performPending()
		}
	}
	if m.s.Stage == StagePreview && m.s.Parity.Checked && !m.s.Parity.OK() && len(m.s.Pending) == 0 {
		// A parity failure paused the migration (onFailure: pause);
		// nothing else would ever check parity again.
		m.log("checking parity again", "parity", m.s.Parity.String())
		m.issue(RunParity, m.s.Weights)
	}
}

// continueFromDrift takes what is there now as the starting point: the
// weights are read back from the record when it is still ferry's weighted
// set, and the hold starts again.
func (m *machine) continueFromDrift() {
	d := m.s.Drift
	m.s.Drift, m.s.Since = nil, m.s.Now
	if d.Name == m.domainName() && d.Found.Exists && m.s.Stage == StageShift {
		if w, ok := weightsOf(*d.Found.Set); ok {
			// The next step is the first above what the record holds.
			m.s.Weights, m.s.Target = w, w
			m.s.Step = -1
			for i, c := range m.s.Config.Steps {
				if c <= w.Cluster {
					m.s.Step = i
				}
			}
		}
	}
	m.log("continuing from the record as it is now", "record", d.Found.String(), "weights", m.s.Weights.String())
}

func (m *machine) promote() {
	refuse := func(why string) {
		m.s.PromotionRequested = false
		m.log("promotion refused: "+why, "stage", string(m.s.Stage))
	}
	switch {
	case m.s.Alert != "":
		refuse("the migration waits for the operator (" + m.s.Alert + "); resume first")
	case len(m.s.Pending) > 0:
		refuse("a DNS change is still in flight")
	case m.s.Paused:
		refuse("the migration is paused; resume it first")
	case m.s.Health[Cluster].Status == GateFail:
		refuse("the cluster gate is failing")
	case !m.metricsPass(Cluster):
		refuse(fmt.Sprintf("the cluster metric gate is %s: %s", m.s.Metrics[Cluster].Status, describe(failing(m.s.Metrics[Cluster].Evidence))))
	case m.s.Health[Cluster].Status != GatePass:
		// After a restart the verdicts are forgotten: fresh probes first.
		// The promotion is carried out once they pass (see gate).
		if !m.s.PromotionRequested {
			m.s.PromotionRequested = true
			m.log("promotion waits for fresh probes: the cluster gate has not passed yet", "stage", string(m.s.Stage))
		}
		return
	case m.s.Stage == StagePreview && m.s.Parity.OK():
		m.s.PromotionRequested = false // carried out: one promote, one step
		m.beginShift("promoted by operator")
	case m.s.Stage == StageShift:
		m.s.PromotionRequested = false
		m.advance("promoted by operator")
	default:
		refuse("nothing to promote in this stage")
	}
}

// rollback puts legacy back to 100% from any stage.
func (m *machine) rollback(reason string) {
	if m.s.Stage == StageRollingBack {
		return
	}
	// Nothing waits for a promotion any more.
	m.s.AwaitingPromotion, m.s.PromotionRequested = false, false
	for _, a := range m.s.Pending {
		if a.Set != nil {
			m.s.Unconfirmed = append(m.s.Unconfirmed, *a.Set)
		}
	}
	m.s.Pending, m.s.Reason, m.s.Alert, m.s.Drift = nil, reason, "", nil
	m.s.Paused, m.s.Retrying, m.s.RetryAt = false, nil, time.Time{}
	if !m.s.Adopted {
		// The domain's record was never touched; nothing to restore.
		m.s.Stage = StageRolledBack
		m.event(EventStage, "rolled back: "+reason+"; the domain was never changed")
		m.acts = append(m.acts, Action{Kind: Finish})
		return
	}
	m.s.Stage = StageRollingBack
	m.s.Target = Weights{Legacy: 100}
	m.event(EventStage, "rolling back: "+reason)
	m.issue(RestoreLegacy, m.s.Target)
}
