package migrate

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// gate judges one side's measurement and acts on a failing cluster.
func (m *machine) gate(g GateResult) {
	if g.At.After(m.s.Now) {
		m.s.Now = g.At // decisions made on this result are stamped with its time
	}
	cfg := m.s.Config.Gates
	prev := m.s.Health[g.Side]
	h := SideHealth{N: g.N, SuccessRatio: g.SuccessRatio, P50: g.P50, P99: g.P99, Status: GatePass}
	switch {
	case g.N < cfg.MinRequests:
		h.Status = GateUnknown
	case g.SuccessRatio < cfg.SuccessRatio || g.P99 > cfg.P99Latency:
		h.Status = GateFail
		// Only a bad latest probe counts towards acting: one slow or
		// failed probe keeps the window failing (and promotion held) for
		// a whole window, but a rollback needs bad probes in a row.
		if !g.LastOK || g.LastLatency > cfg.P99Latency {
			h.Failing = prev.Failing + 1
		}
	}
	m.s.Health[g.Side] = h
	kv := append([]string{"side", string(g.Side)}, healthFields(h)...)
	if h.Status != prev.Status {
		m.log(fmt.Sprintf("%s gate %s", g.Side, h.Status), kv...)
	}
	if g.Side == Cluster && m.s.PromotionRequested && h.Status != GateUnknown {
		m.promote() // the verdict a promotion waited for; refused if failing
	}
	if h.Status != GateFail || g.Side != Cluster || m.s.Stage == StageRollingBack {
		return
	}
	if h.Failing < cfg.Failures {
		m.log(fmt.Sprintf("cluster gate failing (%d bad probes in a row of %d before acting)", h.Failing, cfg.Failures), kv...)
		return
	}
	reason := fmt.Sprintf("cluster gate failed %d times in a row: success %.3f (min %.3f), p99 %v (max %v), n=%d",
		h.Failing, h.SuccessRatio, cfg.SuccessRatio, h.P99, cfg.P99Latency, h.N)
	if m.s.Health[Legacy].Status == GateFail {
		reason += fmt.Sprintf(" (legacy fails too, success %.3f: are the gate paths %q right?)", m.s.Health[Legacy].SuccessRatio, cfg.Paths)
	}
	m.onFailure(reason)
}

// ReasonOperatorRollback is State.Reason of a rollback the operator asked
// for (every other rollback is a failure: a gate, parity, a DNS change).
const ReasonOperatorRollback = "operator asked for a rollback"

// onFailure rolls back or pauses, as configured.
func (m *machine) onFailure(reason string) {
	if m.s.Config.OnFailure == OnFailureRollback {
		m.rollback(reason)
		return
	}
	if !m.s.Paused {
		m.s.Paused = true
		m.s.Reason = reason
		m.event("failure", "ALERT: pausing (onFailure: pause): "+reason)
	}
}

// rollback puts legacy back to 100% from any stage.
func (m *machine) rollback(reason string) {
	if m.s.Stage == StageRollingBack {
		return
	}
	// Nothing waits for a promotion any more.
	m.s.AwaitingPromotion, m.s.PromotionRequested = false, false
	switch m.s.Stage {
	case StagePending, StagePreview:
		// The domain's record was never touched; nothing to restore.
		m.s.Stage, m.s.Pending, m.s.Reason, m.s.Alert = StageRolledBack, nil, reason, ""
		m.event("stage", "rolled back: "+reason+"; the domain was never changed")
		m.acts = append(m.acts, Action{Kind: Finish})
		return
	}
	m.s.Stage, m.s.Pending, m.s.Reason, m.s.Alert = StageRollingBack, nil, reason, ""
	m.s.Paused, m.s.Attempts, m.s.RetryAt = false, 0, time.Time{}
	m.s.Target = Weights{Legacy: 100}
	m.event("stage", "rolling back: "+reason)
	m.issue(RestoreLegacy, m.s.Target)
}

func (m *machine) command(kind CommandKind) {
	switch kind {
	case Pause:
		m.s.Paused = true
		m.event("command", "paused by operator")
	case Resume:
		m.s.Paused = false
		if m.s.Stage != StageRollingBack {
			m.s.Reason = "" // a rollback keeps its reason
		}
		m.event("command", "resumed by operator")
		m.retryRefused()
		if m.s.Stage == StagePreview && m.s.Parity != "" && m.s.Parity != "ok" && len(m.s.Pending) == 0 {
			// A parity failure paused the migration (onFailure: pause);
			// nothing else would ever check parity again.
			m.log("checking parity again", "parity", m.s.Parity)
			m.issue(RunParity, m.s.Weights)
		}
	case Rollback:
		m.rollback(ReasonOperatorRollback)
	case Abort:
		m.s.Stage, m.s.Pending, m.s.Alert = StageAborted, nil, ""
		m.s.AwaitingPromotion, m.s.PromotionRequested = false, false
		m.event("stage", "aborted by operator; DNS left as it is")
		m.acts = append(m.acts, Action{Kind: Finish})
	case Promote:
		m.promote()
	default:
		m.log("ignoring unknown command", "command", string(kind))
	}
}

func (m *machine) promote() {
	refuse := func(why string) {
		m.s.PromotionRequested = false
		m.log("promotion refused: "+why, "stage", string(m.s.Stage))
	}
	switch {
	case m.s.Alert != "":
		refuse("the DNS provider refused a change; fix the cause and resume first")
	case len(m.s.Pending) > 0:
		refuse("a DNS change is still in flight")
	case m.s.Paused:
		refuse("the migration is paused; resume it first")
	case m.s.Health[Cluster].Status == GateFail:
		refuse("the cluster gate is failing")
	case m.s.Health[Cluster].Status != GatePass:
		// After a restart the verdicts are forgotten: fresh probes first.
		// The promotion is carried out once they pass (see gate).
		if !m.s.PromotionRequested {
			m.s.PromotionRequested = true
			m.log("promotion waits for fresh probes: the cluster gate has not passed yet", "stage", string(m.s.Stage))
		}
		return
	case m.s.Stage == StagePreview && m.s.Parity == "ok":
		m.beginShift("promoted by operator")
	case m.s.Stage == StageShift:
		m.advance("promoted by operator")
	default:
		refuse("nothing to promote in this stage")
	}
}

func (m *machine) done(d ActionDone) {
	i := slices.IndexFunc(m.s.Pending, func(a Action) bool { return a.ID == d.ID })
	if i < 0 {
		m.log("ignoring outcome of an action no longer pending", "id", strconv.Itoa(d.ID))
		return
	}
	a := m.s.Pending[i]
	m.s.Pending = slices.Delete(m.s.Pending, i, i+1)
	m.s.Attempts, m.s.RetryAt = 0, time.Time{}
	if !d.Now.IsZero() {
		m.s.Now = d.Now
	}
	m.s.Since = m.s.Now
	switch a.Kind {
	case PointPreview:
		m.log("preview domain points at the cluster", "previewDomain", m.s.Config.PreviewDomain)
		m.issue(RunParity, m.s.Weights)
	case RunParity:
		m.parityDone(d)
	case AdoptRecord:
		m.s.Weights = a.Weights
		m.event("step", "adopted the record at "+a.Weights.String())
		m.advance("record adopted")
	case SetWeights:
		m.s.Weights = a.Weights
		m.event("step", fmt.Sprintf("step %d/%d: %s", m.s.Step+1, len(m.s.Config.Steps), a.Weights))
	case RemoveLegacy:
		m.s.Weights, m.s.Stage = a.Weights, StageDrain
		m.event("stage", fmt.Sprintf("drain: legacy record removed; waiting %d×TTL (%v)",
			m.s.Config.Drain.TTLMultiple, time.Duration(m.s.Config.Drain.TTLMultiple)*m.s.Config.TTL))
	case RestoreLegacy:
		m.s.Weights, m.s.Stage = a.Weights, StageRolledBack
		m.event("stage", "rolled back: legacy serves 100%")
		m.acts = append(m.acts, Action{Kind: Finish})
	}
}

func (m *machine) parityDone(d ActionDone) {
	if d.Mismatches > 0 {
		m.s.Parity = fmt.Sprintf("%d mismatch(es): %s", d.Mismatches, d.Detail)
		m.onFailure("parity probe found " + m.s.Parity)
		return
	}
	m.s.Parity = "ok"
	m.event("step", "parity: both sides answer alike", "detail", d.Detail)
}

// maxAttempts is how often a forward DNS change may fail transiently before
// the migration rolls back; a rollback itself is retried without end. A
// failure retrying cannot help (ActionFailed.Terminal) is never retried on
// its own: see refused.
const maxAttempts = 5

func (m *machine) failed(f ActionFailed) {
	i := slices.IndexFunc(m.s.Pending, func(a Action) bool { return a.ID == f.ID })
	if i < 0 {
		m.log("ignoring failure of an action no longer pending", "id", strconv.Itoa(f.ID))
		return
	}
	if f.Terminal {
		m.refused(m.s.Pending[i], f)
		return
	}
	m.s.Attempts++
	backoff := min(time.Duration(m.s.Attempts)*time.Second, 30*time.Second)
	m.s.RetryAt = m.s.Now.Add(backoff)
	m.log("action failed; will retry", "id", strconv.Itoa(f.ID), "error", f.Err,
		"attempt", strconv.Itoa(m.s.Attempts), "retryIn", backoff.String())
	if m.s.Stage != StageRollingBack && m.s.Attempts >= maxAttempts {
		m.rollback(fmt.Sprintf("an action failed %d times: %s", m.s.Attempts, f.Err))
	}
}

// refused stops retrying a change the provider will not accept as sent (a
// wrong token, a wrong server URL, a record it rejects) and waits for the
// operator. Rolling back instead would not help: the rollback goes through
// the same provider, with the same token. In a forward stage the migration
// pauses where DNS is; in rolling-back the restore of legacy stays pending,
// and resume performs it again at once.
func (m *machine) refused(a Action, f ActionFailed) {
	fix := f.Fix
	if fix == "" {
		fix = "fix the cause"
	}
	m.s.Attempts, m.s.RetryAt = 0, time.Time{}
	m.s.Alert = fmt.Sprintf("the DNS provider refused the change (%s %s): %s — %s, then run `ferry migrate resume %s`",
		a.Kind, a.Weights, f.Err, fix, m.s.Config.Service)
	if m.s.Stage == StageRollingBack {
		m.event("failure", "ALERT: legacy is not back at 100%: "+m.s.Alert, "id", strconv.Itoa(a.ID))
		return
	}
	m.s.Paused = true
	m.event("failure", "ALERT: pausing: "+m.s.Alert, "id", strconv.Itoa(a.ID))
}

// retryRefused performs the changes the provider refused again, once the
// operator says the cause is fixed.
func (m *machine) retryRefused() {
	if m.s.Alert == "" {
		return
	}
	m.s.Alert = ""
	m.log("performing the refused DNS change again", "stage", string(m.s.Stage), "pending", strconv.Itoa(len(m.s.Pending)))
	m.acts = append(m.acts, m.s.Pending...)
}

func healthFields(h SideHealth) []string {
	return []string{
		"n", strconv.Itoa(h.N), "success", strconv.FormatFloat(h.SuccessRatio, 'f', 4, 64),
		"p50", h.P50.String(), "p99", h.P99.String(), "gate", string(h.Status),
	}
}
