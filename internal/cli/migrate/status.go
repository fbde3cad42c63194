package migrate

import (
	"errors"
	"fmt"
	"io"
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
			su, err := o.setup(args[0])
			if err != nil {
				return err
			}
			s, err := su.store.Load(cmd.Context(), su.cfg.Domain)
			if errors.Is(err, migrate.ErrNoState) {
				return clio.Failed(fmt.Errorf("no migration of %s has been started (ferry migrate start %s)", su.cfg.Domain, args[0]))
			}
			if err != nil {
				return clio.Failed(err)
			}
			var holder *store.Holder
			if h, ok := su.store.Holder(su.cfg.Domain); ok {
				holder = &h
			}
			return o.printState(s, holder)
		},
	}
}

// statusJSON is what "-o json" prints for start and status.
type statusJSON struct {
	migrate.State
	RunningBy *store.Holder `json:"runningBy,omitempty"`
}

func (o *options) printState(s migrate.State, holder *store.Holder) error {
	if o.output == "json" {
		return writeJSON(o.streams.Out, statusJSON{State: s, RunningBy: holder})
	}
	b := &strings.Builder{}
	stage := string(s.Stage)
	if s.Stage == migrate.StageShift && s.Step >= 0 {
		stage += fmt.Sprintf(" (step %d of %d)", s.Step+1, len(s.Config.Steps))
	}
	row := func(k, format string, args ...any) { fmt.Fprintf(b, "%-10s %s\n", k+":", fmt.Sprintf(format, args...)) }
	row("service", "%s", s.Config.Service)
	row("domain", "%s (legacy %s, cluster %s)", s.Config.Domain, s.Config.Legacy, s.Config.Cluster)
	row("stage", "%s", stage)
	row("weights", "legacy %d%%, cluster %d%%", s.Weights.Legacy, s.Weights.Cluster)
	if s.Paused {
		row("paused", "yes")
	}
	if s.AwaitingPromotion {
		row("waiting", "for `ferry migrate promote %s`", s.Config.Service)
	}
	if len(s.Pending) > 0 {
		row("pending", "%s %s", s.Pending[0].Kind, s.Pending[0].Weights)
	}
	for _, side := range []migrate.Side{migrate.Legacy, migrate.Cluster} {
		if h, ok := s.Health[side]; ok {
			row(string(side), "gate %s: success %.3f (min %.3f), p50 %v, p99 %v (max %v) over %d probes; failing %d of %d",
				h.Status, h.SuccessRatio, s.Config.Gates.SuccessRatio, h.P50, h.P99, s.Config.Gates.P99Latency, h.N, h.Failing, s.Config.Gates.Failures)
		}
	}
	if s.Retrying != nil {
		r := s.Retrying
		row("retrying", "%s %s: %d attempts since %s, last error: %s", r.Action, s.Target, r.Attempts,
			r.Since.Local().Format(time.TimeOnly), r.LastError)
	}
	if s.Drift != nil {
		row("DRIFT", "%s was changed outside the migration at %s", s.Drift.Name, s.Drift.At.Local().Format(time.TimeOnly))
		row("  was", "%s", s.Drift.Want)
		row("  now", "%s", s.Drift.Found)
	}
	if s.LegacyAlert != "" {
		row("ALERT", "%s", s.LegacyAlert)
	}
	if s.Stage == migrate.StageAborted && s.Weights.Cluster > 0 && s.Weights.Legacy > 0 {
		row("warning", "the split %s is left as it was and nobody watches it; `ferry migrate rollback %s` puts legacy back", s.Weights, s.Config.Service)
	}
	if s.TrafficError != "" {
		row("drain", "waiting: the legacy traffic source cannot be read: %s", s.TrafficError)
	}
	if s.Reason != "" {
		row("reason", "%s", s.Reason)
	}
	if s.Alert != "" {
		row("ALERT", "%s", s.Alert)
		row("act", "`ferry migrate resume %s` or `ferry migrate rollback %s`", s.Config.Service, s.Config.Service)
	}
	if holder != nil {
		row("running", "%s", holder)
	} else if !s.Stage.Terminal() {
		row("running", "no (`ferry migrate start %s` resumes)", s.Config.Service)
	}
	writeTimeline(b, s.Timeline)
	_, err := io.WriteString(o.streams.Out, b.String())
	return err
}

func writeTimeline(b *strings.Builder, events []migrate.Event) {
	if len(events) == 0 {
		return
	}
	b.WriteString("timeline:\n")
	for _, e := range events {
		fmt.Fprintf(b, "  %s  %-12s %3d/%-3d %s\n", e.At.Local().Format(time.TimeOnly), e.Stage, e.Weights.Legacy, e.Weights.Cluster, e.Message)
	}
}
