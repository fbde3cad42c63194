package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
)

// StdStreams are the process's standard streams.
func StdStreams() clio.Streams {
	return clio.Streams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
}

// Run executes ferry with args (args[0] is the program name, which decides
// whether ferry runs as itself or as the kubectl plugin "kubectl-ferry") and
// returns the process exit status.
func Run(ctx context.Context, streams clio.Streams, args []string) int {
	root := NewRootCommand(streams, programName(args))
	root.SetArgs(args[1:])
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	err := root.ExecuteContext(ctx)
	if err != nil && !errors.Is(err, clio.ErrReported) {
		fmt.Fprintf(streams.ErrOut, "error: %v\n", err)
	}
	return clio.Code(err)
}

// programName is how ferry calls itself in help text: "ferry", or
// "kubectl ferry" when installed as a kubectl plugin.
func programName(args []string) string {
	if len(args) == 0 {
		return "ferry"
	}
	base := strings.TrimSuffix(filepath.Base(args[0]), ".exe")
	if strings.HasPrefix(base, "kubectl-") {
		return "kubectl " + strings.ReplaceAll(strings.TrimPrefix(base, "kubectl-"), "_", "-")
	}
	return "ferry"
}

// NewRootCommand builds the full command tree.
func NewRootCommand(streams clio.Streams, name string) *cobra.Command {
	root := &cobra.Command{
		Use:           "ferry",
		Short:         "Move services onto Kubernetes with zero downtime, then keep shipping them",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	root.SetFlagErrorFunc(clio.FlagError)
	if name != "ferry" {
		// As a kubectl plugin, help says "kubectl ferry render", not "ferry render".
		root.Annotations = map[string]string{cobra.CommandDisplayNameAnnotation: name}
		root.CompletionOptions.DisableDefaultCmd = true
	}
	for _, sub := range subcommands(streams) {
		root.AddCommand(sub)
	}
	wrapArgErrors(root)
	return root
}

// wrapArgErrors makes positional-argument mistakes exit with status 2 in
// every command, not only where a command remembers to.
func wrapArgErrors(cmd *cobra.Command) {
	if check := cmd.Args; check != nil {
		cmd.Args = func(c *cobra.Command, args []string) error {
			return clio.Usage(check(c, args))
		}
	}
	for _, sub := range cmd.Commands() {
		wrapArgErrors(sub)
	}
}
