package testcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// toolsScript prints the binaries' directory, then "ready" or "missing";
// hack/lib-k8s.sh is the one place that knows versions and the cache layout.
const toolsScript = `source hack/lib.sh && source hack/lib-k8s.sh && ferry::tools_bin &&
if ferry::tools_ready; then echo ready; else echo missing; fi`

// maxParents bounds the walk up from the working directory to the repository.
const maxParents = 64

// tools is the directory hack/tools.sh builds the control plane into.
type tools struct {
	dir string
}

func (t tools) path(name string) string { return filepath.Join(t.dir, name) }

// KubectlPath returns the kubectl built by hack/tools.sh, never one found on
// PATH, building the tools first when that is allowed (see Start). Under
// -short it skips the test, as Start does.
func KubectlPath(tb testing.TB) string {
	tb.Helper()
	skipShort(tb)
	root, err := repoRoot()
	if err != nil {
		tb.Fatal(err)
	}
	t, err := ensureTools(tb.Context(), root)
	if err != nil {
		tb.Fatal(err)
	}
	return t.path("kubectl")
}

// skipShort skips the test under -short, before anything is built or
// started: -short promises a run without the control plane.
func skipShort(tb testing.TB) {
	tb.Helper()
	if testing.Short() {
		tb.Skip("testcluster: -short runs no control plane")
	}
}

// repoRoot finds ferry's repository from the working directory, which go
// test sets to the package's directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding the repository: %w", err)
	}
	for range maxParents {
		if _, err := os.Stat(filepath.Join(dir, "hack", "lib-k8s.sh")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return "", errors.New("finding the repository: no hack/lib-k8s.sh above the working directory")
}

// ensureTools returns the built binaries. Under CI they must already be
// there (hack/deps/cluster.sh builds them before the tests); elsewhere they
// are built now.
func ensureTools(ctx context.Context, root string) (tools, error) {
	dir, ready, err := toolsStatus(ctx, root)
	if err != nil {
		return tools{}, err
	}
	if ready {
		return tools{dir: dir}, nil
	}
	if os.Getenv("CI") == "true" {
		return tools{}, fmt.Errorf("control-plane binaries missing or stale in %s: run hack/tools.sh (make test runs it through hack/deps/cluster.sh)", dir)
	}
	fmt.Fprintf(os.Stderr, "testcluster: building the control plane with hack/tools.sh (minutes the first time)\n")
	cmd := exec.CommandContext(ctx, "bash", "hack/tools.sh")
	cmd.Dir = root
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return tools{}, fmt.Errorf("building the control plane with hack/tools.sh: %w", err)
	}
	return tools{dir: dir}, nil
}

func toolsStatus(ctx context.Context, root string) (dir string, ready bool, err error) {
	cmd := exec.CommandContext(ctx, "bash", "-c", toolsScript)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", false, fmt.Errorf("locating the control-plane binaries: %w: %s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != 2 {
		return "", false, fmt.Errorf("locating the control-plane binaries: unexpected output %q", out)
	}
	return lines[0], lines[1] == "ready", nil
}
