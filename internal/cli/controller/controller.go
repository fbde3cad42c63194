package controller

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
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

// companion is the controller's binary: "ferry controller run" executes it.
const companion = "ferry-controller"

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
			path, err := findCompanion()
			if err != nil {
				return clio.Failed(err)
			}
			// Exec, not a child: signals, the exit status and a kill -9 reach
			// the controller as if it had been started directly.
			err = syscall.Exec(path, append([]string{runName}, args...), os.Environ())
			return clio.Failed(fmt.Errorf("executing %s: %w (on Windows, run it directly)", path, err))
		},
	}
}

// findCompanion finds ferry-controller next to this executable, else on PATH.
func findCompanion() (string, error) {
	if self, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(self), companion)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	if p, err := exec.LookPath(companion); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%s is not next to ferry or on PATH: the controller is a binary of its own; `make build` builds both, or `go install ferry.dev/ferry/cmd/%s`", companion, companion)
}
