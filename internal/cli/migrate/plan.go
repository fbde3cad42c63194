package migrate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/lease"
	"ferry.dev/ferry/internal/migrate"
)

func (o *options) planCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "plan SERVICE",
		Short: "Show every DNS change the migration would make, changing nothing",
		Long: `plan reads the domain's records as they are today and steps the migration
engine itself through a healthy run against an in-memory copy of them, so
what it prints is what start does: every change, the condition it is
written on, and when.`,
		Example: "  ferry migrate plan api\n  ferry migrate plan api -o json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			su, err := o.setup(cmd, args[0])
			if err != nil {
				return err
			}
			p, err := o.provider(cmd.Context(), su.cfg)
			if err != nil {
				return err
			}
			today, err := o.today(cmd.Context(), p, su.cfg)
			if err != nil {
				return err
			}
			changes, err := migrate.Plan(su.cfg, today.start)
			if err != nil {
				return clio.Failed(err)
			}
			batches, warn, err := route53Plan(su.cfg, changes)
			if err != nil {
				return clio.Failed(err)
			}
			warn = append(append(warnings(su.cfg), precheck(cmd.Context(), p, changes)...), warn...)
			if o.output == clio.JSON {
				out := map[string]any{"config": su.cfg, "current": today.desc,
					"owner": today.owner, "warnings": warn, "changes": changes}
				if batches != nil {
					out["batches"] = batches
				}
				return clio.WriteJSON(o.streams.Out, out)
			}
			return printPlan(o.streams.Out, su.cfg, today, changes, warn, batches)
		},
	}
}

// today is the domain as it is now, for a plan.
type today struct {
	start migrate.Start
	desc  string // the record today, or why it is unknown
	owner string // the ownership lease, if any
}

// today reads the domain's records (an unreachable provider leaves them
// unknown). An answer retrying cannot change (a wrong token, a server URL
// that is not the admin API) is an error: start would refuse the same way.
func (o *options) today(ctx context.Context, p dns.Provider, cfg migrate.Config) (today, error) {
	st, err := migrate.ReadDomain(ctx, p, cfg)
	t := today{start: st, desc: st.Record.String(), owner: "free"}
	switch {
	case errors.Is(err, dns.ErrTerminal):
		return today{}, clio.Failed(err)
	case errors.Is(err, migrate.ErrForeignRecord):
		t.desc += " — REFUSED: " + err.Error()
	case err != nil:
		t.desc = "unknown: " + err.Error()
	}
	if l, ok, err := lease.Read(ctx, p, cfg.Domain); err == nil && ok {
		t.owner = "lease held by " + l.String()
	}
	return t, nil
}

// precheck asks a provider with rules of its own (dns.Prechecker: Route
// 53's, those that depend on the rest of the zone included) about every
// record set the plan writes, each distinct one once, and says what it
// would refuse. A check that cannot be made says so too.
func precheck(ctx context.Context, p dns.Provider, changes []migrate.Change) []string {
	pc, ok := p.(dns.Prechecker)
	if !ok {
		return nil
	}
	var said []string              // each answer once, in the order first given
	which := map[string][]string{} // answer → the changes it was given for
	asked := map[string]bool{}
	for i, c := range changes {
		if c.Record == nil || asked[c.Record.Digest()] {
			continue
		}
		asked[c.Record.Digest()] = true
		var msg string
		switch err := pc.Precheck(ctx, *c.Record); {
		case errors.Is(err, dns.ErrInvalid):
			msg = fmt.Sprintf("the DNS provider would refuse it: %v", err)
		case err != nil:
			msg = fmt.Sprintf("could not check it against the DNS provider's rules: %v", err)
		default:
			continue
		}
		if which[msg] == nil {
			said = append(said, msg)
		}
		which[msg] = append(which[msg], fmt.Sprintf("%d (%s)", i+1, c.Action))
	}
	warn := make([]string, len(said))
	for i, msg := range said {
		warn[i] = fmt.Sprintf("change %s: %s", strings.Join(which[msg], ", "), msg)
	}
	return warn
}

// warnings are what a plan should tell before anyone starts it.
func warnings(cfg migrate.Config) []string {
	var w []string
	real := false
	for _, p := range cfg.Gates.Paths {
		real = real || !looksLikeHealthPath(p)
	}
	if !real {
		w = append(w, fmt.Sprintf("the gates probe only %v: a cluster that answers its health check but fails every real request would pass; add a real path to migration.gates.paths", cfg.Gates.Paths))
	}
	return w
}

func looksLikeHealthPath(p string) bool {
	p = strings.ToLower(p)
	for _, h := range []string{"health", "ready", "live", "ping", "status"} {
		if strings.Contains(p, h) {
			return true
		}
	}
	return false
}

func printPlan(w io.Writer, cfg migrate.Config, t today, changes []migrate.Change, warn []string, batches []batch) error {
	b := &strings.Builder{}
	g := cfg.Gates
	fmt.Fprintf(b, "migration of %s (service %s): legacy %s → cluster %s\n", cfg.Domain, cfg.Service, cfg.Legacy, cfg.Cluster)
	fmt.Fprintf(b, "today:  %s\nowner:  %s\n", t.desc, t.owner)
	fmt.Fprintf(b, "gates:  each side every %v, %d probes over %v, judged over %v: success ≥ %.3f, p99 ≤ %v, at least %d measurements\n",
		g.Interval, migrate.BatchSize(g), g.Paths, g.Window, g.SuccessRatio, g.P99Latency, g.MinRequests)
	fmt.Fprintf(b, "        %d failing evaluations in a row → %s (both sides failing → %s; legacy alone failing → alert)\n",
		g.Failures, cfg.OnFailure, cfg.OnBothFailing)
	writeMetricGates(b, cfg)
	fmt.Fprintf(b, "dns:    %s; a change failing transiently is retried for %v, then the migration pauses; every change is conditional on the record as ferry last saw it\n",
		cfg.DNS.Provider, cfg.DNS.RetryFor)
	for _, w := range warn {
		fmt.Fprintf(b, "WARNING: %s\n", w)
	}
	b.WriteString("\n")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tAT\tSTAGE\tACTION\tRECORD\tWEIGHTS\tWHEN")
	for i, c := range changes {
		if c.Record == nil {
			fmt.Fprintf(tw, "%d\t+%v\t%s\t-\t-\t-\t%s\n", i+1, c.At.Round(time.Second), c.Stage, c.When)
			continue
		}
		var ws []string
		for _, s := range c.Record.Sets {
			ws = append(ws, fmt.Sprintf("%s=%d→%s", s.ID, s.Weight, strings.Join(s.Values, ",")))
		}
		fmt.Fprintf(tw, "%d\t+%v\t%s\t%s\t%s %s ttl=%d\t%s\t%s\n", i+1, c.At.Round(time.Second), c.Stage, c.Action,
			c.Record.Name, c.Record.Type, c.Record.TTL, strings.Join(ws, " "), c.When)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	b.WriteString("\neach change is made only if the record is still what the change before it wrote (the first: today's record);\n" +
		"a record changed by hand stops the migration as drift instead of being overwritten (-o json shows each condition)\n")
	printBatches(b, batches)
	b.WriteString("nothing has been changed; `ferry migrate start " + cfg.Service + "` applies this plan\n")
	_, err := io.WriteString(w, b.String())
	return err
}
