package cli

import (
	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/check"
	"ferry.dev/ferry/internal/cli/clio"
	clicontroller "ferry.dev/ferry/internal/cli/controller"
	"ferry.dev/ferry/internal/cli/dashboard"
	"ferry.dev/ferry/internal/cli/demo"
	clideploy "ferry.dev/ferry/internal/cli/deploy"
	"ferry.dev/ferry/internal/cli/dns"
	"ferry.dev/ferry/internal/cli/importcmd"
	"ferry.dev/ferry/internal/cli/initcmd"
	"ferry.dev/ferry/internal/cli/migrate"
	"ferry.dev/ferry/internal/cli/render"
	"ferry.dev/ferry/internal/cli/validate"
	"ferry.dev/ferry/internal/cli/version"
)

// subcommands is the one explicit list of ferry's top-level commands.
func subcommands(streams clio.Streams) []*cobra.Command {
	return []*cobra.Command{
		initcmd.NewCommand(streams),
		validate.NewCommand(streams),
		render.NewCommand(streams),
		clideploy.NewCommand(streams),
		clideploy.NewHistoryCommand(streams),
		clideploy.NewRollbackCommand(streams),
		clideploy.NewStatusCommand(streams),
		check.NewCommand(streams),
		version.NewCommand(streams),
		dns.NewCommand(streams),
		demo.NewCommand(streams),
		dashboard.NewCommand(streams),
		migrate.NewCommand(streams),
		importcmd.NewCommand(streams),
		clicontroller.NewCommand(streams),
	}
}
