// Package cli is ferry's command tree. Run is the whole program:
// ferry-engine's main calls it and exits with the status it returns (ferry's
// own main runs the file commands through internal/cli/dispatch and
// executes ferry-engine for the rest), so every command can be tested in
// process with its own streams and arguments.
//
// Each command lives in its own package under internal/cli and exports
// NewCommand(clio.Streams) *cobra.Command. Commands parse flags, call the
// packages that decide, and print; they never decide themselves.
package cli
