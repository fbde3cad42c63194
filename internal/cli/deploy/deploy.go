package deploy

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/load"
	"ferry.dev/ferry/internal/deploy"
	"ferry.dev/ferry/internal/render"
)

type deployFlags struct {
	target
	service string
	dryRun  bool
	wait    bool
	timeout time.Duration
	atomic  bool
	force   bool
	output  clio.Format
}

// NewCommand returns "ferry deploy".
func NewCommand(streams clio.Streams) *cobra.Command {
	var fl deployFlags
	cmd := &cobra.Command{
		Use:   "deploy [-f FILE]",
		Short: "Apply the file to the cluster, prune what left it, watch the rollout",
		Long: `Deploy server-side applies what the file means (field manager "ferry"),
namespaces first; deletes the objects an earlier deploy of the release created
that are no longer in the file; watches every Deployment until its new
ReplicaSet is Available; and records the file as a new revision.

A failed rollout names the failing pods and why, and exits 1. --atomic then
applies the previous revision again. --dry-run prints a server-side diff.`,
		Example: `  ferry deploy -f examples/shop.yaml
  ferry deploy -f shop.yaml --service api --timeout 3m --atomic
  ferry deploy -f shop.yaml --dry-run`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runDeploy(cmd, streams, fl) },
	}
	fs := cmd.Flags()
	fl.addFlags(fs)
	fl.cluster.Add(fs, "let the controller deploy: create or update the release's ServiceFile and wait for it to be applied and healthy (default: the file's runIn)", "ServiceFile")
	fs.StringVar(&fl.service, "service", "", "deploy only this service (and prune only its objects)")
	fs.BoolVar(&fl.dryRun, "dry-run", false, "print what would change (a server-side dry run); change nothing")
	fs.BoolVar(&fl.wait, "wait", true, "watch rollouts until every Deployment is Available")
	fs.DurationVar(&fl.timeout, "timeout", 5*time.Minute, "how long rollouts may take")
	fs.BoolVar(&fl.atomic, "atomic", false, "when the rollout fails, apply the previous revision again")
	fs.BoolVar(&fl.force, "force-conflicts", false, "take fields that other field managers own")
	clio.AddOutputFlag(fs, &fl.output, clio.Table, clio.JSON)
	return cmd
}

func runDeploy(cmd *cobra.Command, streams clio.Streams, fl deployFlags) error {
	ctx := cmd.Context()
	if fl.timeout <= 0 {
		return clio.Usage(fmt.Errorf("--timeout %s: want a positive duration", fl.timeout))
	}
	f, err := load.File(streams, fl.file)
	if err != nil {
		return err
	}
	if _, err := render.Render(f, render.Options{Service: fl.service}); err != nil {
		return clio.Usage(err)
	}
	if on, err := fl.cluster.on(cmd, streams, &fl.target, f); err != nil || (on && !fl.dryRun) {
		// A dry run is the same diff wherever the apply would run.
		if err != nil {
			return err
		}
		return runDeployInCluster(ctx, streams, fl, f)
	}
	p := newProgress(streams.ErrOut)
	d, err := fl.deployer(p.observe)
	if err != nil {
		return err
	}
	req := deploy.Request{
		File: f, Service: fl.service, DryRun: fl.dryRun, Wait: fl.wait, Timeout: fl.timeout,
		Atomic: fl.atomic, ForceConflicts: fl.force,
	}
	res, err := d.Run(ctx, req)
	p.close()
	if !fl.dryRun {
		tell(ctx, streams, f, deploy.Notification(d.Release(), d.Namespace(), res, err))
	}
	if err != nil {
		return deployError(err)
	}
	if fl.output == clio.JSON {
		return clio.WriteJSON(streams.Out, res)
	}
	if fl.dryRun {
		return printChanges(streams, res.Changes)
	}
	return printResult(streams, d, res)
}

// deployError keeps an exit status already chosen (bad kubeconfig, bad
// release name: 2) and marks every other failure as 1.
func deployError(err error) error {
	var ee *clio.ExitError
	if errors.As(err, &ee) {
		return err
	}
	return clio.Failed(err)
}

func printResult(streams clio.Streams, d *deploy.Deployer, res deploy.Result) error {
	verb := fmt.Sprintf("recorded as revision %d", res.Revision)
	if res.Unchanged {
		verb = fmt.Sprintf("same file as revision %d; nothing new recorded", res.Revision)
	}
	_, err := fmt.Fprintf(streams.Out, "release %s (namespace %s): %d objects, %d applied, %d already in place, %d pruned; %s\n",
		d.Release(), d.Namespace(), len(res.Applied), res.Sent, len(res.Applied)-res.Sent, len(res.Pruned), verb)
	return err
}

func printChanges(streams clio.Streams, changes []deploy.Change) error {
	for _, c := range changes {
		switch c.Action {
		case "unchanged":
			continue
		case "delete":
			fmt.Fprintf(streams.Out, "prune %s\n", c.Ref)
		default:
			fmt.Fprintf(streams.Out, "%s %s\n%s", c.Action, c.Ref, c.Diff)
		}
	}
	_, err := fmt.Fprintf(streams.Out, "dry run: %s\n", deploy.Summary(changes))
	return err
}
