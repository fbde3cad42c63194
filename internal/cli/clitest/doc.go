// Package clitest runs ferry's commands in process for tests, as a person
// runs the binary: arguments in; standard input given; stdout, stderr and
// the exit status out.
//
// Run the whole of ferry through cli.Run, or one command through Command
// (which a test inside a command's own package needs, since that package
// cannot import internal/cli):
//
//	res := clitest.Run(t, cli.Run, "render", "-f", path)
//	res := clitest.RunStdin(t, clitest.Command(check.NewCommand), yaml, "kops", "-")
//
// A test that must read output while the command still runs, or cancel it,
// calls the Main itself with its own streams and context.
package clitest
