package migrate

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"ferry.dev/ferry/internal/gate"
)

// HookState is where the step webhooks stand, for the engine and status.
type HookState struct {
	// Confirmed and Cleared are Step+1 of the step the confirm-step and
	// the pre-step webhooks last let the migration leave (0: none yet).
	Confirmed int `json:"confirmed,omitempty"`
	Cleared   int `json:"cleared,omitempty"`
	// Called is when a confirm-step or pre-step call was last issued:
	// they are asked again at most once a gate interval.
	Called time.Time `json:"called,omitzero"`
	// Failing counts pre-step and post-step failures in a row.
	Failing int `json:"failing,omitempty"`
	// Held says what the confirm-step webhook last answered while it
	// held the step.
	Held string `json:"held,omitempty"`
}

func (cfg Config) hooks(kind string) []gate.Webhook {
	var out []gate.Webhook
	for _, w := range cfg.Webhooks {
		if w.Type == kind {
			out = append(out, w)
		}
	}
	return out
}

// hooksCleared reports whether the confirm-step and pre-step webhooks let
// the current step be left, calling the next of them when not yet.
func (m *machine) hooksCleared() bool {
	h, cfg, next := &m.s.Hooks, m.s.Config, m.s.Step+1
	confirm, pre := len(cfg.hooks(gate.HookConfirmStep)) > 0, len(cfg.hooks(gate.HookPreStep)) > 0
	if (!confirm && !pre) || h.Cleared == next {
		return true
	}
	if !h.Called.IsZero() && m.s.Now.Sub(h.Called) < cfg.Gates.Interval {
		return false
	}
	h.Called = m.s.Now
	if confirm && h.Confirmed != next {
		m.issueHooks(gate.HookConfirmStep)
		return false
	}
	m.issueHooks(gate.HookPreStep)
	return false
}

// postStep calls the post-step webhooks after a step took effect.
func (m *machine) postStep() {
	if len(m.s.Config.hooks(gate.HookPostStep)) > 0 {
		m.issueHooks(gate.HookPostStep)
	}
}

func (m *machine) issueHooks(kind string) {
	m.s.NextID++
	a := Action{ID: m.s.NextID, Kind: CallHooks, Hook: kind, Weights: m.s.Weights}
	m.s.Pending = append(m.s.Pending, a)
	m.acts = append(m.acts, a)
}

func (m *machine) hooksDone(a Action, d ActionDone) {
	h, next := &m.s.Hooks, m.s.Step+1
	switch a.Hook {
	case gate.HookConfirmStep:
		h.Confirmed, h.Held = next, ""
		m.event(EventStep, fmt.Sprintf("confirm-step webhooks allow leaving step %d: %s", next, d.Detail))
		if len(m.s.Config.hooks(gate.HookPreStep)) == 0 {
			h.Cleared = next
			return
		}
		h.Called = m.s.Now
		m.issueHooks(gate.HookPreStep)
	case gate.HookPreStep:
		h.Cleared, h.Failing = next, 0
		m.log("pre-step webhooks passed", "step", strconv.Itoa(next), "answer", d.Detail)
	case gate.HookPostStep:
		h.Failing = 0
		m.log("post-step webhooks passed", "step", strconv.Itoa(next), "answer", d.Detail)
	}
}

// hooksFailed: a confirm-step that does not answer 2xx holds the step; a
// pre-step or post-step failure counts against the cluster's gate, and
// gates.failures of them in a row act as a failing gate does.
func (m *machine) hooksFailed(a Action, f ActionFailed) {
	h, cfg := &m.s.Hooks, m.s.Config
	if a.Hook == gate.HookConfirmStep {
		if h.Held != f.Err {
			m.event(EventStep, "held by the confirm-step webhook: "+f.Err)
		}
		h.Held = f.Err
		return
	}
	h.Failing++
	m.s.Since = m.s.Now // the step's hold starts again
	if h.Failing >= cfg.Gates.Failures {
		m.onFailure(cfg.OnFailure, fmt.Sprintf("%s webhooks failed %d times in a row: %s", a.Hook, h.Failing, f.Err))
		return
	}
	m.log(a.Hook+" webhook failed", "failing", strconv.Itoa(h.Failing), "error", f.Err)
	if a.Hook == gate.HookPostStep {
		m.issueHooks(gate.HookPostStep) // it must pass before the step is left
	}
}

// HookRollback is a rollback webhook's 2xx answer: roll back.
type HookRollback struct {
	Name   string
	Answer gate.Answer
}

func (HookRollback) isInput() {}

func (m *machine) hookRollback(in HookRollback) {
	if m.s.Stage == StageRollingBack || m.s.Stage == StagePending {
		return
	}
	m.rollback(fmt.Sprintf("the rollback webhook %s answered %s", in.Name, in.Answer))
}

func validateHooks(ws []gate.Webhook) []error {
	var errs []error
	kinds := []string{gate.HookConfirmStep, gate.HookPreStep, gate.HookPostStep, gate.HookRollback}
	for i, w := range ws {
		if !slices.Contains(kinds, w.Type) || w.URL == "" || w.Timeout <= 0 || w.Retries < 0 {
			errs = append(errs, fmt.Errorf("webhooks[%d]: %q needs a type (%v), a URL, a positive timeout and retries ≥ 0", i, w.Name, kinds))
		}
	}
	return errs
}
