package validate

import (
	"fmt"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/load"
)

// NewCommand returns "ferry validate".
func NewCommand(streams clio.Streams) *cobra.Command {
	var path string
	cmd := &cobra.Command{
		Use:   "validate [-f FILE]",
		Short: "Check a service file and report every problem with its line and column",
		Example: `  ferry validate
  ferry validate -f services/shop.yaml
  cat ferry.yaml | ferry validate -f -`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			f, err := load.File(streams, path)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(streams.Out, "%s: valid (%d %s)\n", path, len(f.Services), plural(len(f.Services)))
			return err
		},
	}
	load.AddFlag(cmd.Flags(), &path)
	return cmd
}

func plural(n int) string {
	if n == 1 {
		return "service"
	}
	return "services"
}
