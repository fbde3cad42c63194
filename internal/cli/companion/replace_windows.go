package companion

import (
	"errors"
	"os"
	"os/exec"
)

// exeSuffix ends the name of an executable file.
const exeSuffix = ".exe"

// replace runs path with argv as a child on this process's standard
// streams and exits with its status: Windows has no exec. Ctrl-C reaches
// both processes (one console); ferry's main catches it, so this one waits
// for the companion to finish.
func replace(path string, argv []string) error {
	cmd := exec.Command(path)
	cmd.Args = argv
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		os.Exit(0)
	case errors.As(err, &exit):
		os.Exit(exit.ExitCode())
	}
	return err
}
