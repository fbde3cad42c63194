package clitest

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
)

// Main runs a program: args[0] is its name, the rest its arguments; it
// returns the exit status. cli.Run is one.
type Main func(ctx context.Context, streams clio.Streams, args []string) int

// Result is what one run produced.
type Result struct {
	Code   int
	Stdout string
	Stderr string
}

// Run runs "ferry ARGS" through main with empty standard input, under the
// test's context.
func Run(tb testing.TB, main Main, args ...string) Result {
	tb.Helper()
	return RunStdin(tb, main, "", args...)
}

// RunStdin is Run with stdin as standard input.
func RunStdin(tb testing.TB, main Main, stdin string, args ...string) Result {
	tb.Helper()
	var out, errOut bytes.Buffer
	streams := clio.Streams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut}
	code := main(tb.Context(), streams, append([]string{"ferry"}, args...))
	return Result{Code: code, Stdout: out.String(), Stderr: errOut.String()}
}

// Command is a Main of one command alone, as ferry would run it: args
// after the program name go to the command (without its name), through
// clio.Execute, so errors are printed and exit statuses chosen exactly as
// the ferry binary does.
func Command(newCommand func(clio.Streams) *cobra.Command) Main {
	return func(ctx context.Context, streams clio.Streams, args []string) int {
		root := &cobra.Command{Use: "ferry"}
		cmd := newCommand(streams)
		root.AddCommand(cmd)
		return clio.Execute(ctx, root, streams, append([]string{cmd.Name()}, args[1:]...))
	}
}
