package companion

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// Find returns the path of the companion binary name: next to this
// executable (symlinks resolved, so kubectl-ferry linked to ferry finds
// ferry's companions), else on PATH. The error says how to get it.
func Find(name string) (string, error) {
	if self, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(self); err == nil {
			self = real
		}
		p := filepath.Join(filepath.Dir(self), name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%s is not next to ferry or on PATH: `make build` builds ferry and its companions into bin/, or `go install ferry.dev/ferry/cmd/%s`", name, name)
}

// Exec replaces this process with the companion binary name, run with argv
// (argv[0] included, which is how the companion names itself in help). It
// returns only on failure. Exec rather than a child process: signals, the
// exit status and a kill -9 reach the companion as if it had been started
// directly, and nothing waits in between.
func Exec(name string, argv []string) error {
	path, err := Find(name)
	if err != nil {
		return err
	}
	err = syscall.Exec(path, argv, os.Environ())
	return fmt.Errorf("executing %s: %w (on Windows, run it directly)", path, err)
}
