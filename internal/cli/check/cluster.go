package check

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/ha"
	"ferry.dev/ferry/internal/ha/live"
	"ferry.dev/ferry/internal/render"
	"ferry.dev/ferry/internal/spec"
)

// clusterOptions are "ferry check cluster"'s own flags.
type clusterOptions struct {
	common
	kubeconfig string
	context    string
	file       string
	timeout    time.Duration
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
	f.StringVar(&o.kubeconfig, "kubeconfig", "", "path to the kubeconfig file (default: KUBECONFIG or ~/.kube/config)")
	f.StringVar(&o.context, "context", "", "the kubeconfig context to use (default: its current context)")
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
	cs, name, server, err := o.client()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	snap, err := live.List(ctx, cs, name, refs)
	if err != nil {
		// A cluster that cannot be read is unreadable input, like a bad
		// kubeconfig: exit 1 is kept for a failure the cluster would not
		// survive.
		return clio.Usage(fmt.Errorf("reading cluster %s (server %s): %w", name, server, err))
	}
	return finish(streams, o.common, require, "live cluster", ha.Analyze(live.Convert(snap)))
}

// services loads the ferry file, if any, into the services to judge.
func (o *clusterOptions) services(streams clio.Streams) ([]live.ServiceRef, error) {
	if o.file == "" {
		return nil, nil
	}
	f, err := spec.LoadFile(o.file, streams.In)
	if err != nil {
		return nil, clio.Usage(err)
	}
	objs, err := render.Render(f, render.Options{})
	if err != nil {
		return nil, clio.Usage(fmt.Errorf("rendering %s: %w", o.file, err))
	}
	return live.ServicesFrom(objs), nil
}

// client loads the kubeconfig as kubectl does and names the cluster after
// the context; server is the API server's address, for messages.
func (o *clusterOptions) client() (cs kubernetes.Interface, name, server string, err error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = o.kubeconfig
	overrides := &clientcmd.ConfigOverrides{CurrentContext: o.context}
	cfg := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides)
	raw, err := cfg.RawConfig()
	if err != nil {
		return nil, "", "", clio.Usage(fmt.Errorf("loading the kubeconfig: %w", err))
	}
	rest, err := cfg.ClientConfig()
	if err != nil {
		if clientcmd.IsEmptyConfig(err) {
			err = errors.New("no kubeconfig found: pass --kubeconfig or set KUBECONFIG")
		}
		return nil, "", "", clio.Usage(fmt.Errorf("loading the kubeconfig: %w", err))
	}
	rest.Timeout = o.timeout
	cs, err = kubernetes.NewForConfig(rest)
	if err != nil {
		return nil, "", "", clio.Usage(fmt.Errorf("creating a client: %w", err))
	}
	name = cmp.Or(o.context, raw.CurrentContext)
	return cs, name, rest.Host, nil
}
