package main_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// The ferry binary links none of the controller's packages: their
// initialisation (Prometheus collectors, schemes) ran at every start of
// every command, render included, before the controller became a binary
// of its own (docs/benchmarks.md, "Render").
func TestFerryLinksNoControllerRuntime(t *testing.T) {
	out, err := exec.CommandContext(t.Context(), "go", "list", "-deps", "ferry.dev/ferry/cmd/ferry").Output()
	if err != nil {
		t.Fatal(err)
	}
	deps := strings.Fields(string(out))
	for _, heavy := range []string{"sigs.k8s.io/controller-runtime/pkg/client", "github.com/prometheus/client_golang/prometheus", "ferry.dev/ferry/internal/controller"} {
		if slices.Contains(deps, heavy) {
			t.Errorf("cmd/ferry links %s (go list -deps ./cmd/ferry; go mod why -m shows the path)", heavy)
		}
	}
}

// binDir holds the binaries the tests run, built once (binaries) and
// removed by TestMain.
var binDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// binaries builds ferry and ferry-controller side by side, once for all
// the tests, and returns their directory.
var binaries = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "ferry-bin-")
	if err != nil {
		return "", err
	}
	binDir = dir
	out, err := exec.Command("go", "build", "-o", dir+string(filepath.Separator), "ferry.dev/ferry/cmd/ferry", "ferry.dev/ferry/cmd/ferry-controller").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %w\n%s", err, out)
	}
	return dir, nil
})

// built is the directory of the tests' binaries.
func built(t *testing.T) string {
	t.Helper()
	dir, err := binaries()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func run(t *testing.T, bin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), bin, args...)
	cmd.Env = append(os.Environ(), "PATH="+t.TempDir()) // the companion is found next to ferry, or not at all
	var o, e strings.Builder
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return o.String(), e.String(), cmd.ProcessState.ExitCode()
}

// "ferry controller run" executes ferry-controller from ferry's directory
// with its arguments, and the controller's help and exit status are what
// the user sees; without ferry-controller it says where it looked.
func TestControllerRunExecutesFerryController(t *testing.T) {
	both := built(t)
	ferry := filepath.Join(both, "ferry")

	out, _, code := run(t, ferry, "controller", "run", "--help")
	if code != 0 || !strings.Contains(out, "ferry controller run [flags]") || !strings.Contains(out, "--leader-elect") {
		t.Errorf("controller run --help: exit %d, want 0 and the controller's flags under its name:\n%s", code, out)
	}
	_, errOut, code := run(t, ferry, "controller", "run", "--kubeconfig", filepath.Join(both, "missing"))
	if code != 2 || !strings.Contains(errOut, "missing") {
		t.Errorf("controller run with a missing kubeconfig: exit %d, want 2 from the controller naming the file:\n%s", code, errOut)
	}

	alone := t.TempDir()
	if err := os.Link(ferry, filepath.Join(alone, "ferry")); err != nil {
		t.Fatal(err)
	}
	_, errOut, code = run(t, filepath.Join(alone, "ferry"), "controller", "run")
	if code != 1 || !strings.Contains(errOut, "ferry-controller is not next to ferry or on PATH") || !strings.Contains(errOut, "go install ferry.dev/ferry/cmd/ferry-controller") {
		t.Errorf("controller run without ferry-controller: exit %d, want 1 and where to get it:\n%s", code, errOut)
	}
}

// No collection runs while Go initialises ferry's packages (internal/startgc
// turns the collector off first): one did at every start before, ~3 ms.
func TestNoCollectionDuringInitialisation(t *testing.T) {
	cmd := exec.CommandContext(t.Context(), filepath.Join(built(t), "ferry"), "version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1,gctrace=1", "GOGC=100")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	lines := strings.Split(string(out), "\n")
	last, startgc := -1, -1
	for i, l := range lines {
		if strings.HasPrefix(l, "init ") {
			last = i
			if strings.HasPrefix(l, "init ferry.dev/ferry/internal/startgc ") {
				startgc = i
			}
		}
	}
	if startgc < 0 {
		t.Fatalf("internal/startgc is not initialised:\n%s", out)
	}
	for i, l := range lines[:last+1] {
		if strings.HasPrefix(l, "gc ") {
			t.Fatalf("a collection ran during initialisation (line %d, startgc's init at line %d):\n%s", i+1, startgc+1, out)
		}
	}
}
