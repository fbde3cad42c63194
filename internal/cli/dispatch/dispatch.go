package dispatch

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/companion"
	"ferry.dev/ferry/internal/cli/initcmd"
	"ferry.dev/ferry/internal/cli/render"
	"ferry.dev/ferry/internal/cli/validate"
	"ferry.dev/ferry/internal/cli/version"
)

// Engine is the companion binary that runs every command but the file
// commands.
const Engine = "ferry-engine"

// EngineCommand is one top-level command ferry-engine runs: its usage line
// and summary, as the engine's own command has them.
type EngineCommand struct{ Use, Short string }

// EngineCommands are the top-level commands ferry hands to ferry-engine.
var EngineCommands = []EngineCommand{
	{"deploy [-f FILE]", "Apply the file to the cluster, prune what left it, watch the rollout"},
	{"history [-f FILE | --name RELEASE]", "List the recorded revisions of a release"},
	{"rollback [-f FILE | --name RELEASE] [--to N]", "Deploy an earlier revision again (default: the one before the latest)"},
	{"status [-f FILE | --name RELEASE]", "Show each service of a release: replicas, revision, image, domain, age"},
	{"check", "Check whether a cluster survives losing an instance, a zone or a region"},
	{"dns", "Run ferry's weighted DNS server and change its records"},
	{"demo", "Run a whole zero-downtime migration on loopback and prove no request was lost"},
	{"dashboard", "Watch and steer migrations in a browser: traffic split, gates, timeline, rollback"},
	{"migrate", "Move a service's domain from legacy to the cluster with weighted DNS, gates and rollback"},
	{"import", "Start from what exists: turn a legacy estate's description into a service file"},
	{"controller", "Run deploys and migrations in the cluster, from ServiceFile and Migration objects"},
}

// FileCommands are the commands ferry runs itself; ferry-engine runs them
// too, as part of the whole tree.
func FileCommands(streams clio.Streams) []*cobra.Command {
	return []*cobra.Command{
		initcmd.NewCommand(streams),
		validate.NewCommand(streams),
		render.NewCommand(streams),
		version.NewCommand(streams),
	}
}

// Run executes ferry with args (args[0] is the program name) and returns
// the exit status; for an engine command it does not return unless
// ferry-engine cannot be executed.
func Run(ctx context.Context, streams clio.Streams, args []string) int {
	if len(args) == 0 {
		args = []string{"ferry"}
	}
	// argv[0] stays as ferry was called: the engine names itself by it.
	toEngine := func() error { return clio.Failed(companion.Exec(Engine, args)) }
	if forEngine(args[1:]) {
		// Straight to the engine, without building a command tree; only a
		// failure to execute it comes back.
		err := toEngine()
		fmt.Fprintf(streams.ErrOut, "error: %v\n", err)
		return clio.Code(err)
	}
	root := NewRoot(ProgramName(args[0]), FileCommands(streams)...)
	for _, c := range EngineCommands {
		// Listed in help and completed by name; run by the engine, also if
		// reached in a way forEngine does not recognise.
		root.AddCommand(&cobra.Command{Use: c.Use, Short: c.Short, DisableFlagParsing: true,
			RunE: func(*cobra.Command, []string) error { return toEngine() }})
	}
	return clio.Execute(ctx, root, streams, args[1:])
}

// forEngine reports whether args name an engine command: as the command,
// or as what "help" or the shells' completion request is about.
func forEngine(args []string) bool {
	if len(args) > 1 && (args[0] == "help" || args[0] == cobra.ShellCompRequestCmd || args[0] == cobra.ShellCompNoDescRequestCmd) {
		args = args[1:]
	}
	if len(args) == 0 {
		return false
	}
	for _, c := range EngineCommands {
		if name, _, _ := strings.Cut(c.Use, " "); name == args[0] {
			return true
		}
	}
	return false
}

// ProgramName is how ferry calls itself in help text, from argv[0]: "ferry",
// or "kubectl ferry" when installed as a kubectl plugin.
func ProgramName(argv0 string) string {
	base := strings.TrimSuffix(filepath.Base(argv0), ".exe")
	if strings.HasPrefix(base, "kubectl-") {
		return "kubectl " + strings.ReplaceAll(strings.TrimPrefix(base, "kubectl-"), "_", "-")
	}
	return "ferry"
}

// NewRoot is ferry's root command with subs below it, named as name
// (ProgramName); run it with clio.Execute, which also makes every usage
// mistake exit with status 2.
func NewRoot(name string, subs ...*cobra.Command) *cobra.Command {
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
	root.AddCommand(subs...)
	return root
}
