package clio

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
)

// Execute runs root with args (without the program name) the way ferry
// runs: root reads and writes streams; every flag or positional-argument
// mistake, in root or any command below it, is bad usage (exit status 2);
// an error not already reported is printed on ErrOut as "error: ...". It
// returns the exit status. ferry's main goes through it, and so do tests
// that run one command in process (internal/cli/clitest).
func Execute(ctx context.Context, root *cobra.Command, streams Streams, args []string) int {
	root.SetArgs(args)
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	root.SilenceUsage, root.SilenceErrors = true, true
	root.SetFlagErrorFunc(FlagError)
	wrapArgErrors(root)
	err := root.ExecuteContext(ctx)
	if err != nil && !errors.Is(err, ErrReported) {
		fmt.Fprintf(streams.ErrOut, "error: %v\n", err)
	}
	return Code(err)
}

// wrapArgErrors makes positional-argument mistakes exit with status 2 in
// every command, not only where a command remembers to.
func wrapArgErrors(cmd *cobra.Command) {
	if check := cmd.Args; check != nil {
		cmd.Args = func(c *cobra.Command, args []string) error {
			return Usage(check(c, args))
		}
	}
	for _, sub := range cmd.Commands() {
		wrapArgErrors(sub)
	}
}
