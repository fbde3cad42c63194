package migrate

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"ferry.dev/ferry/internal/dns"
)

// issue records an action as pending and emits it; a DNS change carries
// the record set it writes.
func (m *machine) issue(kind ActionKind, w Weights) {
	m.s.NextID++
	a := Action{ID: m.s.NextID, Kind: kind, Weights: w}
	if kind != RunParity {
		rs := RecordFor(m.s.Config, kind, w)
		a.Set = &rs
	}
	if kind == AdoptRecord {
		m.s.Adopted = true
	}
	a = m.conditioned(a)
	m.s.Pending = append(m.s.Pending, a)
	m.acts = append(m.acts, a)
}

// performPending emits every pending action again, each conditional on
// its record set as last seen (which a drift or a lost answer may have
// moved on since it was first issued).
func (m *machine) performPending() {
	for i := range m.s.Pending {
		m.s.Pending[i] = m.conditioned(m.s.Pending[i])
	}
	m.acts = append(m.acts, m.s.Pending...)
}

func (m *machine) conditioned(a Action) Action {
	if a.Set == nil {
		return a
	}
	seen := *m.seen(a.Set.Name)
	a.Expect = &seen
	return a
}

func (m *machine) domainName() string { return dns.CanonicalName(m.s.Config.Domain) }

// seen is the migration's view of the record set called name.
func (m *machine) seen(name string) *Seen {
	if name == m.domainName() {
		return &m.s.Record
	}
	return &m.s.PreviewRecord
}

func (m *machine) done(d ActionDone) {
	i := slices.IndexFunc(m.s.Pending, func(a Action) bool { return a.ID == d.ID })
	if i < 0 {
		m.log("ignoring outcome of an action no longer pending", "id", strconv.Itoa(d.ID))
		return
	}
	a := m.s.Pending[i]
	m.s.Pending = slices.Delete(m.s.Pending, i, i+1)
	if a.Kind == CallHooks {
		m.hooksDone(a, d) // an answer is not a change: the hold goes on
		return
	}
	m.s.Retrying, m.s.RetryAt = nil, time.Time{}
	if !d.Now.IsZero() {
		m.s.Now = d.Now
	}
	m.s.Since = m.s.Now
	if a.Set != nil && d.Calls != nil {
		m.s.Calls = append(m.s.Calls, ChangeCalls{At: m.s.Now, Action: a.Kind, Name: a.Set.Name, Weights: a.Weights, Calls: d.Calls.Add(dns.Calls{})})
	}
	if a.Set != nil {
		m.s.Changed = m.s.Now
		*m.seen(a.Set.Name) = SeenSet(*a.Set)
		m.s.Unconfirmed = slices.DeleteFunc(m.s.Unconfirmed, func(rs dns.RecordSet) bool { return rs.Name == a.Set.Name })
	}
	switch a.Kind {
	case PointPreview:
		m.log("preview domain points at the cluster", "previewDomain", m.s.Config.PreviewDomain)
		m.issue(RunParity, m.s.Weights)
	case RunParity:
		m.parityDone(d)
	case AdoptRecord:
		m.s.Weights = a.Weights
		m.event(EventStep, "adopted the record at "+a.Weights.String())
		m.advance("record adopted")
	case SetWeights:
		m.s.Weights = a.Weights
		m.event(EventStep, fmt.Sprintf("step %d/%d: %s", m.s.Step+1, len(m.s.Config.Steps), a.Weights))
		m.postStep()
	case RemoveLegacy:
		m.s.Weights, m.s.Stage = a.Weights, StageDrain
		m.event(EventStage, fmt.Sprintf("drain: legacy record removed; waiting %d×TTL (%v)",
			m.s.Config.Drain.TTLMultiple, time.Duration(m.s.Config.Drain.TTLMultiple)*m.s.Config.TTL))
		m.postStep()
	case RestoreLegacy:
		m.s.Weights, m.s.Stage = a.Weights, StageRolledBack
		m.event(EventStage, "rolled back: legacy serves 100%")
		m.acts = append(m.acts, Action{Kind: Finish})
	}
}

func (m *machine) parityDone(d ActionDone) {
	m.s.Parity = ParityResult{Checked: true, Mismatches: d.Mismatches, Detail: d.Detail}
	if d.Mismatches > 0 {
		m.onFailure(m.s.Config.OnFailure, "parity probe found "+m.s.Parity.String())
		return
	}
	m.event(EventStep, "parity: both sides answer alike", "detail", d.Detail)
}

func (m *machine) failed(f ActionFailed) {
	i := slices.IndexFunc(m.s.Pending, func(a Action) bool { return a.ID == f.ID })
	if i < 0 {
		m.log("ignoring failure of an action no longer pending", "id", strconv.Itoa(f.ID))
		return
	}
	if !f.Now.IsZero() && f.Now.After(m.s.Now) {
		m.s.Now = f.Now
	}
	a := m.s.Pending[i]
	switch {
	case a.Kind == CallHooks:
		m.s.Pending = slices.Delete(m.s.Pending, i, i+1)
		m.hooksFailed(a, f)
	case f.Conflict != nil:
		m.conflict(a, *f.Conflict)
	case f.Terminal:
		m.refused(a, f)
	default:
		m.retry(a, f.Err)
	}
}

// conflict handles a change whose precondition failed. The record may
// already be what the action writes (its earlier attempt landed but the
// answer was lost, or a crash came before it was saved), or what an
// abandoned change of ferry's own wrote: both are ferry's, not drift.
// Anything else is drift: never overwritten, the operator decides.
func (m *machine) conflict(a Action, found Seen) {
	switch {
	case found.Exists && found.Set.Equal(*a.Set):
		m.log("the change had already been made", "action", string(a.Kind), "record", found.String())
		m.done(ActionDone{ID: a.ID})
	case found.Exists && slices.ContainsFunc(m.s.Unconfirmed, found.Set.Equal):
		m.log("the record holds an earlier change of this migration; writing over it", "record", found.String())
		*m.seen(a.Set.Name) = found
		m.performPending()
	default:
		m.drift(a.Set.Name, found, a.Kind)
	}
}

// observed compares a fresh read of a record set with what the migration
// last saw, while no change to it is in flight.
func (m *machine) observed(o Observed) {
	if m.s.Stage == StagePending || m.s.Drift != nil || !o.At.After(m.s.Changed) {
		return
	}
	name := dns.CanonicalName(o.Name)
	if slices.ContainsFunc(m.s.Pending, func(a Action) bool { return a.Set != nil && a.Set.Name == name }) {
		return // a change is in flight: its outcome tells
	}
	preview := m.s.Config.PreviewDomain != "" && name == dns.CanonicalName(m.s.Config.PreviewDomain)
	if (name == m.domainName() || preview) && !m.seen(name).Equal(o.Record) {
		m.drift(name, o.Record, "")
	}
}

// drift stops the migration on a record changed outside it. Later changes
// are conditional on what is there now, so resume continues from it and
// rollback restores legacy over it — both only when the operator says.
func (m *machine) drift(name string, found Seen, while ActionKind) {
	seen := m.seen(name)
	m.s.Drift = &Drift{Name: name, Want: *seen, Found: found, At: m.s.Now, While: while}
	*seen = found
	m.s.Retrying, m.s.RetryAt = nil, time.Time{}
	m.s.Alert = fmt.Sprintf("%s was changed outside this migration: it was %s, it is now %s; nothing was overwritten — resume continues from what is there, rollback puts legacy back at 100%%",
		name, m.s.Drift.Want, found)
	if m.s.Stage != StageRollingBack {
		m.s.Paused = true
	}
	m.event(EventDrift, "ALERT: "+m.s.Alert)
}

// retry schedules a change that failed transiently again, with backoff,
// for as long as dns.retryFor allows; then the migration waits for the
// operator. A rollback is retried without end: it is the way back.
func (m *machine) retry(a Action, why string) {
	r := m.s.Retrying
	if r == nil || r.Action != a.Kind {
		r = &Retrying{Action: a.Kind, Since: m.s.Now}
	}
	r.Attempts++
	r.LastError = why
	m.s.Retrying = r
	backoff := min(time.Second<<min(r.Attempts-1, 5), 30*time.Second)
	m.s.RetryAt = m.s.Now.Add(backoff)
	m.log("DNS change failed; will retry", "id", strconv.Itoa(a.ID), "error", why,
		"attempt", strconv.Itoa(r.Attempts), "retryIn", backoff.String())
	failingFor := m.s.Now.Sub(r.Since)
	if m.s.Stage == StageRollingBack || failingFor < m.s.Config.DNS.RetryFor {
		return
	}
	m.s.RetryAt = time.Time{}
	m.s.Alert = fmt.Sprintf("the DNS provider has failed %s %s for %v (%d attempts; last error: %s); the state is kept as it is — resume tries again, rollback puts legacy back once the provider answers",
		a.Kind, a.Weights, failingFor.Round(time.Second), r.Attempts, why)
	m.s.Paused = true
	m.event(EventFailure, "ALERT: pausing: "+m.s.Alert)
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
	m.s.Retrying, m.s.RetryAt = nil, time.Time{}
	m.s.Alert = fmt.Sprintf("the DNS provider refused the change (%s %s): %s — %s, then resume", a.Kind, a.Weights, f.Err, fix)
	if m.s.Stage == StageRollingBack {
		m.event(EventFailure, "ALERT: legacy is not back at 100%: "+m.s.Alert, "id", strconv.Itoa(a.ID))
		return
	}
	m.s.Paused = true
	m.event(EventFailure, "ALERT: pausing: "+m.s.Alert, "id", strconv.Itoa(a.ID))
}
