package validate

import (
	"fmt"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/load"
	"ferry.dev/ferry/internal/migrate/preflight"
)

// NewCommand returns "ferry validate".
func NewCommand(streams clio.Streams) *cobra.Command {
	var path string
	cmd := &cobra.Command{
		Use:   "validate [-f FILE]",
		Short: "Check a service file and report every problem with its line and column",
		Long: `validate loads the file strictly and reports every problem at once, each at
its FILE:LINE:COL. With migration.dns.provider: route53 it also steps every
service's migration through the engine's plan, offline, and checks each record
set it would write against Route 53's rules that need no zone access (weights
0-255 and never all zero, one TTL per group, at most 100 weighted records, a
CNAME never at a zone apex nor beside another type the file writes, one hosted
zone for every name); ` + "`ferry migrate plan`" + ` checks those that depend on the zone.`,
		Example: `  ferry validate
  ferry validate -f services/shop.yaml
  cat ferry.yaml | ferry validate -f -`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			f, err := load.File(streams, path)
			if err != nil {
				return err
			}
			if problems := preflight.File(f); len(problems) > 0 {
				return load.Report(streams, path, problems)
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
