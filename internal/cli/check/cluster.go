package check

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/load"
	"ferry.dev/ferry/internal/ha"
	"ferry.dev/ferry/internal/ha/live"
	"ferry.dev/ferry/internal/kube"
	"ferry.dev/ferry/internal/render"
)

// clusterOptions are "ferry check cluster"'s own flags.
type clusterOptions struct {
	common
	kube    kube.Flags
	file    string
	timeout time.Duration
}

func newClusterCommand(streams clio.Streams) *cobra.Command {
	var o clusterOptions
	cmd := &cobra.Command{
		Use:   "cluster",
		Short: "Check a live cluster (kubeconfig) and the services of a ferry file",
		Long: `Check a live cluster through a kubeconfig (--kubeconfig, --context and
KUBECONFIG work as they do for kubectl): control-plane nodes and their zones
from the well-known labels, etcd members where their pods are visible
(kubeadm's component=etcd, kops' etcd-manager), worker capacity per zone,
and with -f the services of a ferry file: where their ready pods run and
what their PodDisruptionBudgets allow. Nodes that are NotReady count as
already lost. Nothing in the cluster is changed.`,
		Example: `  ferry check cluster
  ferry check cluster --context prod -f ferry.yaml --require zone
  ferry check cluster -o json | jq '.scenarios[] | select(.survives | not)'`,
		Args: func(cmd *cobra.Command, args []string) error {
			return clio.Usage(cobra.NoArgs(cmd, args))
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return o.run(cmd.Context(), streams)
		},
	}
	o.bind(cmd)
	f := cmd.Flags()
	o.kube.AddCluster(f)
	f.StringVarP(&o.file, "file", "f", "", `a ferry file whose services are judged too ("-" reads stdin)`)
	f.DurationVar(&o.timeout, "timeout", 30*time.Second, "how long to wait for the API server")
	return cmd
}

func (o *clusterOptions) run(ctx context.Context, streams clio.Streams) error {
	require, err := o.validate()
	if err != nil {
		return err
	}
	refs, err := o.services(streams)
	if err != nil {
		return err
	}
	o.kube.Timeout = o.timeout
	client, err := o.kube.Connect()
	if err != nil {
		return clio.Usage(err)
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	snap, err := live.List(ctx, client.Typed, client.Context, refs)
	if err != nil {
		// A cluster that cannot be read is unreadable input, like a bad
		// kubeconfig: exit 1 is kept for a failure the cluster would not
		// survive.
		return clio.Usage(fmt.Errorf("reading cluster %s (server %s): %w", client.Context, client.Config.Host, err))
	}
	return finish(streams, o.common, require, "live cluster", ha.Analyze(live.Convert(snap)))
}

// services loads the ferry file, if any, into the services to judge.
func (o *clusterOptions) services(streams clio.Streams) ([]live.ServiceRef, error) {
	if o.file == "" {
		return nil, nil
	}
	f, err := load.File(streams, o.file)
	if err != nil {
		return nil, err
	}
	objs, err := render.Render(f, render.Options{})
	if err != nil {
		return nil, clio.Usage(fmt.Errorf("rendering %s: %w", o.file, err))
	}
	return live.ServicesFrom(objs), nil
}
