package cli

import (
	"context"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/dispatch"
)

// Run executes ferry with args (args[0] is the program name, which decides
// whether ferry runs as itself or as the kubectl plugin "kubectl-ferry") and
// returns the process exit status.
func Run(ctx context.Context, streams clio.Streams, args []string) int {
	name, rest := "ferry", []string(nil)
	if len(args) > 0 {
		name, rest = dispatch.ProgramName(args[0]), args[1:]
	}
	return clio.Execute(ctx, NewRootCommand(streams, name), streams, rest)
}

// NewRootCommand builds the full command tree; run it with clio.Execute,
// which also makes every usage mistake exit with status 2.
func NewRootCommand(streams clio.Streams, name string) *cobra.Command {
	return dispatch.NewRoot(name, subcommands(streams)...)
}
