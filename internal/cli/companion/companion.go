package companion

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// find returns the path of the companion binary name: next to this
// executable (symlinks resolved, so kubectl-ferry linked to ferry finds
// ferry's companions), else on PATH. The error says how to get it.
func find(name string) (string, error) {
	if self, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(self); err == nil {
			self = real
		}
		p := filepath.Join(filepath.Dir(self), name+exeSuffix)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%s is not next to ferry or on PATH: `make build` builds ferry and its companions into bin/, or `go install ferry.dev/ferry/cmd/%s`", name, name)
}

// Exec runs the companion binary name with argv (argv[0] included, which
// is how the companion names itself in help) in this process's place and
// returns only on failure: on Unix by replacing this process (exec), so
// signals, the exit status and a kill -9 reach the companion as if it had
// been started directly and nothing waits in between; on Windows, which
// has no exec, as a child with this process's standard streams, exiting
// with its status.
func Exec(name string, argv []string) error {
	path, err := find(name)
	if err != nil {
		return err
	}
	if err := replace(path, argv); err != nil {
		return fmt.Errorf("executing %s: %w", path, err)
	}
	return nil
}
