package migrate

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/migrate"
)

func (o *options) planCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "plan SERVICE",
		Short:   "Show every DNS change the migration would make, changing nothing",
		Example: "  ferry migrate plan api\n  ferry migrate plan api -o json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			su, err := o.setup(args[0])
			if err != nil {
				return err
			}
			current, err := o.current(cmd, su.cfg)
			if err != nil {
				return err
			}
			changes := migrate.Plan(su.cfg)
			if o.output == "json" {
				return writeJSON(o.streams.Out, map[string]any{"config": su.cfg, "current": current, "changes": changes})
			}
			return printPlan(o.streams.Out, su.cfg, current, changes)
		},
	}
}

// current describes the domain's record today, or why it is unknown (the
// provider is unreachable). An answer retrying cannot change (a wrong token,
// a server URL that is not the admin API) is an error: start would refuse
// the same way, so the plan cannot be followed.
func (o *options) current(cmd *cobra.Command, cfg migrate.Config) (string, error) {
	p, err := o.provider(cfg)
	if err != nil {
		return "unknown: " + err.Error(), nil
	}
	rrtype, _ := migrate.RecordType(cfg.Legacy, cfg.Cluster)
	rs, err := p.Get(cmd.Context(), dns.CanonicalName(cfg.Domain), rrtype)
	if cause, fix, ok := migrate.Refusal(err); ok {
		return "", clio.Failed(fmt.Errorf("reading the record of %s: %s: %w — %s", cfg.Domain, cause, err, fix))
	}
	switch {
	case errors.Is(err, dns.ErrNotFound):
		return "no " + rrtype + " record (it will be created)", nil
	case err != nil:
		return "unknown: " + err.Error(), nil
	}
	desc := describe(rs)
	if err := migrate.CheckCurrent(cfg, &rs); err != nil {
		desc += " — REFUSED: " + err.Error()
	}
	return desc, nil
}

func describe(rs dns.RecordSet) string {
	var sets []string
	for _, s := range rs.Sets {
		sets = append(sets, fmt.Sprintf("%s(w=%d)=%s", s.ID, s.Weight, strings.Join(s.Values, ",")))
	}
	return fmt.Sprintf("%s %s ttl=%d %s", rs.Name, rs.Type, rs.TTL, strings.Join(sets, " "))
}

func printPlan(w io.Writer, cfg migrate.Config, current string, changes []migrate.Change) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "migration of %s (service %s): legacy %s → cluster %s\n", cfg.Domain, cfg.Service, cfg.Legacy, cfg.Cluster)
	fmt.Fprintf(b, "today: %s\n", current)
	fmt.Fprintf(b, "gates: every %v per side over %v: success ≥ %.3f, p99 ≤ %v, at least %d requests; %d failing in a row → %s\n\n",
		cfg.Gates.Interval, cfg.Gates.Window, cfg.Gates.SuccessRatio, cfg.Gates.P99Latency, cfg.Gates.MinRequests, cfg.Gates.Failures, cfg.OnFailure)
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tSTAGE\tACTION\tRECORD\tWEIGHTS\tWHEN")
	for i, c := range changes {
		if c.Action == "" {
			fmt.Fprintf(tw, "%d\t%s\t-\t-\t-\t%s\n", i+1, c.Stage, c.When)
			continue
		}
		var ws []string
		for _, s := range c.Record.Sets {
			ws = append(ws, fmt.Sprintf("%s=%d→%s", s.ID, s.Weight, strings.Join(s.Values, ",")))
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s %s ttl=%d\t%s\t%s\n", i+1, c.Stage, c.Action, c.Record.Name, c.Record.Type, c.Record.TTL, strings.Join(ws, " "), c.When)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	b.WriteString("\nnothing has been changed; `ferry migrate start " + cfg.Service + "` applies this plan\n")
	_, err := io.WriteString(w, b.String())
	return err
}
