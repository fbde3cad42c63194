package migrate_test

import (
	"strconv"
	"strings"

	"ferry.dev/ferry/internal/migrate"
)

func (r *replay) expect(f []string, kv map[string]string) {
	switch f[0] {
	case "action":
		r.expectAction(f[1:])
		return
	case "no-action":
		if len(r.queue) > 0 {
			r.fatalf("unexpected actions: %+v", r.queue)
		}
		return
	case "log":
		want := strings.Join(f[1:], " ")
		for _, l := range r.logs {
			if strings.Contains(l, want) {
				return
			}
		}
		r.fatalf("no log line contains %q; got:\n\t%s", want, strings.Join(r.logs, "\n\t"))
		return
	}
	got := map[string]string{
		"stage":        string(r.s.Stage),
		"step":         strconv.Itoa(r.s.Step),
		"weights":      r.s.Weights.String(),
		"target":       r.s.Target.String(),
		"paused":       strconv.FormatBool(r.s.Paused),
		"awaiting":     strconv.FormatBool(r.s.AwaitingPromotion),
		"pending":      strconv.Itoa(len(r.s.Pending)),
		"parity":       r.s.Parity,
		"alert":        r.s.Alert,
		"gate.cluster": string(r.s.Health[migrate.Cluster].Status),
		"gate.legacy":  string(r.s.Health[migrate.Legacy].Status),
		"steps":        r.stepLog(),
	}
	for k, want := range kv {
		if sub, ok := strings.CutSuffix(k, "~"); ok {
			field := map[string]string{"reason": r.s.Reason, "alert": r.s.Alert, "trafficError": r.s.TrafficError}
			if g, ok := field[sub]; !ok || !strings.Contains(g, want) {
				r.fatalf("%s %q does not contain %q", sub, g, want)
			}
			continue
		}
		g, ok := got[k]
		if !ok {
			r.fatalf("unknown expectation %q", k)
		}
		if g != want {
			r.fatalf("%s = %q, want %q", k, g, want)
		}
	}
}

// stepLog lists the cluster weights of every step taken, in order, so a
// scenario can check that none was repeated or skipped.
func (r *replay) stepLog() string {
	var ws []string
	for _, e := range r.s.Timeline {
		if e.Kind == "step" && strings.HasPrefix(e.Message, "step ") {
			ws = append(ws, strconv.Itoa(e.Weights.Cluster))
		}
	}
	return strings.Join(ws, ",")
}

func (r *replay) expectAction(f []string) {
	if len(r.queue) == 0 {
		r.fatalf("no action emitted; want %v", f)
	}
	a := r.queue[0]
	r.queue = r.queue[1:]
	got := string(a.Kind)
	if len(f) > 1 {
		got += " " + a.Weights.String()
	}
	if want := strings.Join(f, " "); got != want {
		r.fatalf("action %q, want %q", got, want)
	}
}
