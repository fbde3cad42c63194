package controller

import (
	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/companion"
)

// NewCommand returns "ferry controller" and its subcommands.
func NewCommand(streams clio.Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "controller",
		Short: "Run deploys and migrations in the cluster, from ServiceFile and Migration objects",
		Long: `The controller reconciles two custom resources of ferry.dev/v1alpha1:
ServiceFile (a service file, deployed and kept deployed as "ferry deploy"
would: Synced/OutOfSync, Healthy/Progressing/Degraded, drift and self-heal)
and Migration (one service's domain migration, run by the same engine as
"ferry migrate start", its state in the object's status, commands in
spec.commands). Replicas elect a leader with a Lease; a new leader resumes
every migration where the last one stopped.`,
	}
	cmd.AddCommand(newRunCommand(), newInstallCommand(streams), newUninstallCommand(streams))
	return cmd
}

// controllerBinary is the controller's: "ferry controller run" executes it.
const controllerBinary = "ferry-controller"

// runName is argv[0] for the companion, which names itself by it in help.
const runName = "ferry controller run"

func newRunCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "run [flags]",
		Short: "Run the controller until interrupted (the ferry-controller binary; what the installed Deployment runs)",
		Long: `Run executes ferry-controller, installed next to ferry (make build, or
go install ferry.dev/ferry/cmd/ferry-controller), with the same flags:
"ferry controller run --help" lists them. The controller is a binary of its
own so that every other ferry command starts without controller-runtime.`,
		Example: "  ferry controller run --kubeconfig ~/.kube/config -n ferry-system\n" +
			"  ferry controller run --leader-elect=false   # one replica, by hand",
		DisableFlagParsing: true,
		RunE: func(_ *cobra.Command, args []string) error {
			return clio.Failed(companion.Exec(controllerBinary, append([]string{runName}, args...)))
		},
	}
}
