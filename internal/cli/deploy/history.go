package deploy

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/deploy"
)

// NewHistoryCommand returns "ferry history".
func NewHistoryCommand(streams clio.Streams) *cobra.Command {
	return reportCommand(streams, &cobra.Command{
		Use:   "history [-f FILE | --name RELEASE]",
		Short: "List the recorded revisions of a release",
		Example: `  ferry history -f examples/shop.yaml
  ferry history --name shop -o json`,
	}, runHistory)
}

func runHistory(cmd *cobra.Command, streams clio.Streams, t *target, output clio.Format) error {
	d, kc, err := t.connect(nil)
	if err != nil {
		return err
	}
	sf, err := t.inCluster(cmd, streams, kc, d.Release())
	if err != nil {
		return err
	}
	revs, err := d.History(cmd.Context())
	if err != nil {
		return clio.Failed(err)
	}
	if sf != nil {
		fmt.Fprintln(streams.ErrOut, describe(sf))
	}
	if output == clio.JSON {
		if revs == nil {
			revs = []deploy.Revision{}
		}
		return clio.WriteJSON(streams.Out, revs)
	}
	if len(revs) == 0 {
		fmt.Fprintf(streams.ErrOut, "release %s has no revisions in namespace %s\n", d.Release(), d.Namespace())
		return nil
	}
	tw := tabwriter.NewWriter(streams.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REVISION\tDEPLOYED\tBY\tFILE\tOBJECTS\tNOTE")
	for _, r := range revs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\n", r.Number, r.Time.Local().Format(time.DateTime), r.User, r.Path, len(r.Objects), note(r))
	}
	return tw.Flush()
}

func note(r deploy.Revision) string {
	var s string
	if r.RollbackOf != 0 {
		s = fmt.Sprintf("rollback to %d", r.RollbackOf)
	}
	if r.Service != "" {
		if s != "" {
			s += "; "
		}
		s += "service " + r.Service + " only"
	}
	return s
}

// NewRollbackCommand returns "ferry rollback".
func NewRollbackCommand(streams clio.Streams) *cobra.Command {
	var fl deployFlags
	var to int
	cmd := &cobra.Command{
		Use:   "rollback [-f FILE | --name RELEASE] [--to N]",
		Short: "Deploy an earlier revision again (default: the one before the latest)",
		Long: `Rollback reads the file recorded in revision N (default: the revision before
the latest) and deploys it like "ferry deploy": apply, prune, watch. Success is
recorded as a new revision that notes which one it put back. In-cluster
(--in-cluster, or the file's runIn: cluster) the controller deploys it: the
revision's file goes into the release's ServiceFile, marked as the rollback.`,
		Example: `  ferry rollback -f examples/shop.yaml
  ferry rollback --name shop --to 3
  ferry rollback --name shop -n shop --in-cluster   # through the controller`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if to < 0 || fl.timeout <= 0 {
				return clio.Usage(fmt.Errorf("--to %d, --timeout %s: want a revision number and a positive duration", to, fl.timeout))
			}
			if on, err := fl.cluster.on(cmd, streams, &fl.target, nil); err != nil || on {
				if err != nil {
					return err
				}
				return runRollbackInCluster(cmd.Context(), streams, fl, to)
			}
			return runRollback(cmd.Context(), streams, fl, to)
		},
	}
	fs := cmd.Flags()
	fl.addFlags(fs)
	fl.cluster.Add(fs, "let the controller put the revision back: its file goes into the release's ServiceFile, which is recorded as the rollback (default: the file's runIn)", "ServiceFile")
	fs.IntVar(&to, "to", 0, "revision to go back to (default: the one before the latest)")
	fs.BoolVar(&fl.wait, "wait", true, "watch rollouts until every Deployment is Available")
	fs.DurationVar(&fl.timeout, "timeout", 5*time.Minute, "how long rollouts may take")
	fs.BoolVar(&fl.force, "force-conflicts", false, "take fields that other field managers own")
	return cmd
}

func runRollback(ctx context.Context, streams clio.Streams, fl deployFlags, to int) error {
	p := newProgress(streams.ErrOut)
	d, err := fl.deployer(p.observe)
	if err != nil {
		return err
	}
	res, err := d.Rollback(ctx, to, deploy.Request{Wait: fl.wait, Timeout: fl.timeout, ForceConflicts: fl.force})
	p.close()
	if errors.Is(err, deploy.ErrNoRevision) {
		return clio.Usage(err)
	}
	if err != nil {
		return clio.Failed(err)
	}
	return printResult(streams, d, res)
}
