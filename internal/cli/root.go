package cli

import (
	"context"
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
	var rest []string
	if len(args) > 0 {
		rest = args[1:]
	}
	return clio.Execute(ctx, NewRootCommand(streams, programName(args)), streams, rest)
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

// NewRootCommand builds the full command tree; run it with clio.Execute,
// which also makes every usage mistake exit with status 2.
func NewRootCommand(streams clio.Streams, name string) *cobra.Command {
	root := &cobra.Command{
		Use:   "ferry",
		Short: "Move services onto Kubernetes with zero downtime, then keep shipping them",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	if name != "ferry" {
		// As a kubectl plugin, help says "kubectl ferry render", not "ferry render".
		root.Annotations = map[string]string{cobra.CommandDisplayNameAnnotation: name}
		root.CompletionOptions.DisableDefaultCmd = true
	}
	for _, sub := range subcommands(streams) {
		root.AddCommand(sub)
	}
	return root
}
