package clitest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/clitest"
)

// echo is a command that copies stdin to stdout, or fails as told.
func echo(streams clio.Streams) *cobra.Command {
	var fail string
	cmd := &cobra.Command{
		Use:  "echo",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			switch fail {
			case "usage":
				return clio.Usage(errors.New("bad input"))
			case "reported":
				fmt.Fprintln(streams.ErrOut, "problem 1")
				return clio.Failed(clio.ErrReported)
			case "":
				_, err := io.Copy(streams.Out, streams.In)
				return err
			}
			return errors.New("plain failure")
		},
	}
	cmd.Flags().StringVar(&fail, "fail", "", "how to fail")
	return cmd
}

func TestCommand(t *testing.T) {
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  clitest.Result
	}{
		{name: "success", stdin: "hello\n", want: clitest.Result{Code: 0, Stdout: "hello\n"}},
		{name: "usage", args: []string{"--fail", "usage"}, want: clitest.Result{Code: 2, Stderr: "error: bad input\n"}},
		{name: "reported once", args: []string{"--fail", "reported"}, want: clitest.Result{Code: 1, Stderr: "problem 1\n"}},
		{name: "plain failure", args: []string{"--fail", "other"}, want: clitest.Result{Code: 1, Stderr: "error: plain failure\n"}},
		{name: "unknown flag", args: []string{"--nope"}, want: clitest.Result{Code: 2, Stderr: "error: unknown flag: --nope\n"}},
		{name: "positional argument", args: []string{"extra"}, want: clitest.Result{Code: 2, Stderr: "error: unknown command \"extra\" for \"ferry echo\"\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := clitest.RunStdin(t, clitest.Command(echo), tt.stdin, tt.args...)
			if got != tt.want {
				t.Errorf("run = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestRunPassesTheProgramName(t *testing.T) {
	var seen []string
	main := func(_ context.Context, streams clio.Streams, args []string) int {
		seen = args
		fmt.Fprint(streams.Out, "out")
		fmt.Fprint(streams.ErrOut, "err")
		return 3
	}
	got := clitest.Run(t, main, "a", "b")
	if want := (clitest.Result{Code: 3, Stdout: "out", Stderr: "err"}); got != want || strings.Join(seen, " ") != "ferry a b" {
		t.Errorf("Run = %+v with args %q, want %+v with \"ferry a b\"", got, seen, want)
	}
}
