package cli

import (
	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/check"
	"ferry.dev/ferry/internal/cli/clio"
	clicontroller "ferry.dev/ferry/internal/cli/controller"
	"ferry.dev/ferry/internal/cli/dashboard"
	"ferry.dev/ferry/internal/cli/demo"
	clideploy "ferry.dev/ferry/internal/cli/deploy"
	"ferry.dev/ferry/internal/cli/dispatch"
	"ferry.dev/ferry/internal/cli/dns"
	"ferry.dev/ferry/internal/cli/importcmd"
	"ferry.dev/ferry/internal/cli/migrate"
)

// subcommands is the one explicit list of ferry's top-level commands: the
// file commands the ferry binary runs itself, then those it hands to
// ferry-engine (dispatch.EngineCommands names them for ferry's help).
func subcommands(streams clio.Streams) []*cobra.Command {
	return append(dispatch.FileCommands(streams),
		clideploy.NewCommand(streams),
		clideploy.NewHistoryCommand(streams),
		clideploy.NewRollbackCommand(streams),
		clideploy.NewStatusCommand(streams),
		check.NewCommand(streams),
		dns.NewCommand(streams),
		demo.NewCommand(streams),
		dashboard.NewCommand(streams),
		migrate.NewCommand(streams),
		importcmd.NewCommand(streams),
		clicontroller.NewCommand(streams),
	)
}
