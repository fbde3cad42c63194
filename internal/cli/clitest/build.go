package clitest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Build builds ferry as make build installs it, into a directory of the
// test's: ferry, ferry-engine beside it (which ferry executes for every
// command but the file commands) and kubectl-ferry linked to ferry. It
// returns the path of ferry. A test that must run ferry as a process (to
// kill it, or to run it as a kubectl plugin) uses it.
func Build(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	out, err := exec.CommandContext(tb.Context(), "go", "build", "-o", dir+string(filepath.Separator), "ferry.dev/ferry/cmd/ferry", "ferry.dev/ferry/cmd/ferry-engine").CombinedOutput()
	if err != nil {
		tb.Fatalf("building ferry and ferry-engine: %v\n%s", err, out)
	}
	if err := os.Symlink("ferry", filepath.Join(dir, "kubectl-ferry")); err != nil {
		tb.Fatal(err)
	}
	return filepath.Join(dir, "ferry")
}
