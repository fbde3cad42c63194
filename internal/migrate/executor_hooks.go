package migrate

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"ferry.dev/ferry/internal/gate"
)

// HookPayload is the JSON body every migration webhook receives.
type HookPayload struct {
	Type      string                `json:"type"`
	Name      string                `json:"name"`
	Service   string                `json:"service"`
	Domain    string                `json:"domain"`
	Migration string                `json:"migration"` // State.ID
	Stage     Stage                 `json:"stage"`
	Step      int                   `json:"step"` // 1-based; 0 before the first
	Steps     []int                 `json:"steps"`
	Weights   Weights               `json:"weights"`
	Health    map[Side]SideHealth   `json:"health,omitempty"`
	Metrics   map[Side]MetricHealth `json:"metrics,omitempty"`
}

// payload is the body of a call to w for the migration s.
func payload(s State, w gate.Webhook) []byte {
	b, _ := json.Marshal(HookPayload{
		Type: w.Type, Name: w.Name, Service: s.Config.Service, Domain: s.Config.Domain, Migration: s.ID(),
		Stage: s.Stage, Step: s.Step + 1, Steps: s.Config.Steps, Weights: s.Weights, Health: s.Health, Metrics: s.Metrics,
	})
	return b
}

// callHooks calls every webhook of a's type; it is done when all answer 2xx.
func (e *Executor) callHooks(ctx context.Context, s State, a Action) Input {
	var answers []string
	for _, w := range s.Config.hooks(a.Hook) {
		ans := gate.Call(ctx, w, payload(s, w))
		e.Logger.Info("webhook answered", "domain", s.Config.Domain, "webhook", w.Name, "type", w.Type, "answer", ans.String())
		if !ans.OK() {
			return ActionFailed{ID: a.ID, Err: "webhook " + w.Name + " answered " + ans.String(), Now: e.Now()}
		}
		answers = append(answers, w.Name+": "+ans.String())
	}
	return ActionDone{ID: a.ID, Detail: strings.Join(answers, "; "), Now: e.Now()}
}

// rollbackHookLoop asks every rollback webhook each interval whether to
// roll back; a 2xx answer is reported to the engine, which does.
func rollbackHookLoop(ctx context.Context, cfg Config, out chan<- Input) {
	hooks := cfg.hooks(gate.HookRollback)
	if len(hooks) == 0 {
		return
	}
	t := time.NewTicker(cfg.Gates.Interval)
	defer t.Stop()
	body, _ := json.Marshal(map[string]string{"type": gate.HookRollback, "service": cfg.Service, "domain": cfg.Domain})
	for {
		for _, w := range hooks {
			if ans := gate.Call(ctx, w, body); ans.OK() && !send(ctx, out, HookRollback{Name: w.Name, Answer: ans}) {
				return
			}
		}
		if !pause(ctx, t) {
			return
		}
	}
}
