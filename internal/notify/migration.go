package notify

import (
	"slices"
	"strconv"

	"ferry.dev/ferry/internal/migrate"
)

// Migration is the timeline event ev of migration s as a notification,
// with both sides' probe figures.
func Migration(s migrate.State, ev migrate.Event) Event {
	figs := map[string]string{}
	for side, h := range s.Health {
		figs[string(side)+" probes"] = string(h.Status) + ": success " + strconv.FormatFloat(h.SuccessRatio, 'f', 3, 64) +
			", p99 " + h.P99.String() + ", n=" + strconv.Itoa(h.N)
	}
	return Event{
		At: ev.At, Source: "migrate", Subject: s.Config.Domain, Kind: string(ev.Kind), Stage: string(ev.Stage),
		Weights: ev.Weights.String(), Message: ev.Message, Figures: figs, Evidence: ev.Evidence,
	}
}

// Watch returns a function that, given every new state of one migration
// (an Executor's Observe), sends each timeline event after the first seen
// (those of a resumed migration's past).
func Watch(n *Notifier, seen int) func(migrate.State) {
	sent := seen
	return func(s migrate.State) {
		for _, ev := range s.Timeline[min(sent, len(s.Timeline)):] {
			n.Send(Migration(s, ev))
		}
		sent = len(s.Timeline)
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
