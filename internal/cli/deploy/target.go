package deploy

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/load"
	"ferry.dev/ferry/internal/cli/version"
	"ferry.dev/ferry/internal/deploy"
	"ferry.dev/ferry/internal/kube"
)

// target is what every release command needs: the cluster and the release.
type target struct {
	kube    kube.Flags
	file    string
	name    string
	cluster clusterMode
}

func (t *target) addFlags(fs *pflag.FlagSet) {
	t.kube.Add(fs)
	load.AddFlag(fs, &t.file)
	fs.StringVar(&t.name, "name", "", "release name (default: the file's name without extension, e.g. shop for shop.yaml)")
}

// release is --name, else the file's base name without its extension.
func (t *target) release() (string, error) {
	if t.name != "" {
		return t.name, nil
	}
	if t.file == "-" {
		return "", clio.Usage(fmt.Errorf("--name is required when the file is read from standard input"))
	}
	base := filepath.Base(t.file)
	return strings.ToLower(strings.TrimSuffix(base, filepath.Ext(base))), nil
}

// deployer connects to the cluster; observe may be nil.
func (t *target) deployer(observe func(deploy.Event)) (*deploy.Deployer, error) {
	d, _, err := t.connect(observe)
	return d, err
}

// connect is deployer with the connection it made.
func (t *target) connect(observe func(deploy.Event)) (*deploy.Deployer, *kube.Client, error) {
	name, err := t.release()
	if err != nil {
		return nil, nil, err
	}
	client, err := t.kube.Connect()
	if err != nil {
		return nil, nil, clio.Usage(err)
	}
	d, err := deploy.New(client, name, version.Version, observe)
	if err != nil {
		return nil, nil, clio.Usage(fmt.Errorf("%w (set --name)", err))
	}
	return d, client, nil
}

// inCluster is the ServiceFile of the release when in-cluster mode is on
// (nil when off): status and history read the release as the controller
// deployed it, and say how it sees it.
func (t *target) inCluster(cmd *cobra.Command, streams clio.Streams, kc *kube.Client, name string) (*v1alpha1.ServiceFile, error) {
	on, err := t.cluster.on(cmd, streams, t, nil)
	if err != nil || !on {
		return nil, err
	}
	ic, err := t.cluster.Client(kc)
	if err != nil {
		return nil, err
	}
	return serviceFile(cmd, ic, name)
}

// reportCommand completes cmd as a command that reads one release and prints
// it as a table or, with -o json, as JSON: the shape of history and status.
func reportCommand(streams clio.Streams, cmd *cobra.Command,
	run func(cmd *cobra.Command, streams clio.Streams, t *target, output clio.Format) error) *cobra.Command {
	var (
		t      target
		output clio.Format
	)
	cmd.Args = cobra.NoArgs
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return run(cmd, streams, &t, output)
	}
	t.addFlags(cmd.Flags())
	t.cluster.Add(cmd.Flags(), "read the release through its ServiceFile, as the controller deployed it, and say how the controller sees it (default: the file's runIn)", "ServiceFile")
	clio.AddOutputFlag(cmd.Flags(), &output, clio.Table, clio.JSON)
	return cmd
}
