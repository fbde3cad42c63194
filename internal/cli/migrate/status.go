package migrate

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/store"
)

func (o *options) statusCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "status SERVICE",
		Short:   "Show where the migration is: stage, weights, gates, timeline, who runs it",
		Example: "  ferry migrate status api\n  ferry migrate status api -o json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			su, err := o.setup(cmd, args[0])
			if err != nil {
				return err
			}
			if su.inCluster {
				return o.statusInCluster(cmd.Context(), su, args[0])
			}
			s, err := su.store.Load(cmd.Context(), su.cfg.Domain)
			if errors.Is(err, migrate.ErrNoState) {
				return clio.Failed(fmt.Errorf("no migration of %s has been started (ferry migrate start %s)", su.cfg.Domain, args[0]))
			}
			if err != nil {
				return clio.Failed(err)
			}
			return o.printState(s, o.localRunner(su, args[0]))
		},
	}
}

// runner is who runs a migration, as status shows it.
type runner struct {
	// holder is -o json's runningBy (nil: none runs it).
	holder *store.Holder
	// text is the table's "running:" row when one runs it; idle the row
	// when none does and the migration goes on.
	text, idle string
	// flags are what the table's command hints need besides the service
	// (" --in-cluster -n NS" for a Migration object).
	flags string
}

// localRunner is the process holding the state directory's lock.
func (o *options) localRunner(su *setup, service string) runner {
	r := runner{idle: fmt.Sprintf("no (`ferry migrate start %s` resumes)", service)}
	if h, ok := su.store.Holder(su.cfg.Domain); ok {
		r.holder, r.text = &h, h.String()
	}
	return r
}

// statusJSON is what "-o json" prints for start and status.
type statusJSON struct {
	migrate.State
	RunningBy *store.Holder `json:"runningBy,omitempty"`
}

func (o *options) printState(s migrate.State, run runner) error {
	if o.output == clio.JSON {
		return clio.WriteJSON(o.streams.Out, statusJSON{State: s, RunningBy: run.holder})
	}
	b := &strings.Builder{}
	row := func(k, format string, args ...any) { fmt.Fprintf(b, "%-10s %s\n", k+":", fmt.Sprintf(format, args...)) }
	writeProgress(row, s, run.flags)
	writeTrouble(row, s, run.flags)
	if run.holder != nil {
		row("running", "%s", run.text)
	} else if !s.Stage.Terminal() {
		row("running", "%s", run.idle)
	}
	writeTimeline(b, s.Timeline)
	writeCalls(b, s.Calls)
	_, err := io.WriteString(o.streams.Out, b.String())
	return err
}

// rowFunc writes one "key: value" line of status.
type rowFunc func(k, format string, args ...any)

// writeProgress is where the migration stands and what its gates
// measure; flags complete its command hint.
func writeProgress(row rowFunc, s migrate.State, flags string) {
	stage := string(s.Stage)
	if s.Stage == migrate.StageShift && s.Step >= 0 {
		stage += fmt.Sprintf(" (step %d of %d)", s.Step+1, len(s.Config.Steps))
	}
	row("service", "%s", s.Config.Service)
	row("domain", "%s (legacy %s, cluster %s)", s.Config.Domain, s.Config.Legacy, s.Config.Cluster)
	row("stage", "%s", stage)
	row("weights", "legacy %d%%, cluster %d%%", s.Weights.Legacy, s.Weights.Cluster)
	if s.Paused {
		row("paused", "yes")
	}
	if s.AwaitingPromotion {
		row("waiting", "for `ferry migrate promote %s%s`", s.Config.Service, flags)
	}
	if len(s.Pending) > 0 {
		row("pending", "%s %s", s.Pending[0].Kind, s.Pending[0].Weights)
	}
	g := s.Config.Gates
	for _, side := range []migrate.Side{migrate.Legacy, migrate.Cluster} {
		if h, ok := s.Health[side]; ok {
			row(string(side), "gate %s: success %.3f (min %.3f), p50 %v, p99 %v (max %v) over %d probes; failing %d of %d",
				h.Status, h.SuccessRatio, g.SuccessRatio, h.P50, h.P99, g.P99Latency, h.N, h.Failing, g.Failures)
		}
	}
	writeMetricHealth(row, s)
}

// writeTrouble is everything that needs a person's attention; flags
// complete its command hints.
func writeTrouble(row rowFunc, s migrate.State, flags string) {
	svc := s.Config.Service + flags
	if r := s.Retrying; r != nil {
		row("retrying", "%s %s: %d attempts since %s, last error: %s", r.Action, s.Target, r.Attempts,
			r.Since.Local().Format(time.TimeOnly), r.LastError)
	}
	if d := s.Drift; d != nil {
		row("DRIFT", "%s was changed outside the migration at %s", d.Name, d.At.Local().Format(time.TimeOnly))
		row("  was", "%s", d.Want)
		row("  now", "%s", d.Found)
	}
	if s.LegacyAlert != "" {
		row("ALERT", "%s", s.LegacyAlert)
	}
	if s.Stage == migrate.StageAborted && s.Weights.Cluster > 0 && s.Weights.Legacy > 0 {
		row("warning", "the split %s is left as it was and nobody watches it; `ferry migrate rollback %s` puts legacy back", s.Weights, svc)
	}
	if s.TrafficError != "" {
		row("drain", "waiting: the legacy traffic source cannot be read: %s", s.TrafficError)
	}
	if s.Reason != "" {
		row("reason", "%s", s.Reason)
	}
	if s.Alert != "" {
		row("ALERT", "%s", s.Alert)
		row("act", "`ferry migrate resume %s` or `ferry migrate rollback %s`", svc, svc)
	}
}

func writeTimeline(b *strings.Builder, events []migrate.Event) {
	if len(events) == 0 {
		return
	}
	b.WriteString("timeline:\n")
	for _, e := range events {
		fmt.Fprintf(b, "  %s  %-12s %3d/%-3d %s\n", e.At.Local().Format(time.TimeOnly), e.Stage, e.Weights.Legacy, e.Weights.Cluster, e.Message)
		if e.Kind == migrate.EventFailure || e.Kind == migrate.EventAlert || e.Stage == migrate.StageRollingBack {
			for _, ev := range e.Evidence {
				fmt.Fprintf(b, "      evidence: %s\n", ev)
			}
		}
	}
}

// writeCalls is the DNS provider's API calls per change, for a provider
// that counts them (Route 53's rate limit is per account).
func writeCalls(b *strings.Builder, calls []migrate.ChangeCalls) {
	if len(calls) == 0 {
		return
	}
	total, retries := 0, 0
	for _, c := range calls {
		total += c.Calls.Total()
		retries += c.Calls.Retries
	}
	fmt.Fprintf(b, "dns calls: %d in %d changes, %d of them retries (every attempt counted)\n", total, len(calls), retries)
	for _, c := range calls {
		ops := make([]string, 0, len(c.Calls.ByOp))
		for _, op := range slices.Sorted(maps.Keys(c.Calls.ByOp)) {
			ops = append(ops, fmt.Sprintf("%s %d", op, c.Calls.ByOp[op]))
		}
		fmt.Fprintf(b, "  %s  %-14s %3d/%-3d %2d calls, %d retries: %s\n", c.At.Local().Format(time.TimeOnly), c.Action,
			c.Weights.Legacy, c.Weights.Cluster, c.Calls.Total(), c.Calls.Retries, strings.Join(ops, ", "))
	}
}
