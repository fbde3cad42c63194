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

// The ferry binary links no Kubernetes client, no AWS client and none of
// the controller's packages, and ferry-engine none of the controller's:
// Go initialises every linked package at every start, whatever the
// command (docs/benchmarks.md, "Render"). ferry runs the file commands
// itself and executes ferry-engine for the rest.
func TestBinariesLinkOnlyWhatTheirCommandsUse(t *testing.T) {
	controller := []string{"sigs.k8s.io/controller-runtime/pkg/client", "github.com/prometheus/client_golang/prometheus", "ferry.dev/ferry/internal/controller"}
	for bin, heavy := range map[string][]string{
		"ferry":        append([]string{"k8s.io/client-go/rest", "k8s.io/client-go/kubernetes/scheme", "github.com/aws/aws-sdk-go-v2/service/route53", "github.com/aws/aws-sdk-go-v2/config", "github.com/hashicorp/hcl/v2", "ferry.dev/ferry/internal/deploy"}, controller...),
		"ferry-engine": controller,
	} {
		out, err := exec.CommandContext(t.Context(), "go", "list", "-deps", "ferry.dev/ferry/cmd/"+bin).Output()
		if err != nil {
			t.Fatal(err)
		}
		deps := strings.Fields(string(out))
		for _, h := range heavy {
			if slices.Contains(deps, h) {
				t.Errorf("cmd/%s links %s (go list -deps ./cmd/%s; go mod why -m shows the path)", bin, h, bin)
			}
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

// binaries builds ferry and its companions side by side, as make build
// does, once for all the tests, and returns their directory.
var binaries = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "ferry-bin-")
	if err != nil {
		return "", err
	}
	binDir = dir
	out, err := exec.Command("go", "build", "-o", dir+string(filepath.Separator), "ferry.dev/ferry/cmd/ferry", "ferry.dev/ferry/cmd/ferry-engine", "ferry.dev/ferry/cmd/ferry-controller").CombinedOutput()
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

	alone := without(t, "ferry-controller")
	_, errOut, code = run(t, filepath.Join(alone, "ferry"), "controller", "run")
	if code != 1 || !strings.Contains(errOut, "ferry-controller is not next to ferry or on PATH") || !strings.Contains(errOut, "go install ferry.dev/ferry/cmd/ferry-controller") {
		t.Errorf("controller run without ferry-controller: exit %d, want 1 and where to get it:\n%s", code, errOut)
	}
}

// No collection runs while Go initialises ferry's packages (internal/startgc
// turns the collector off first): one did at every start before, ~3 ms.
func TestNoCollectionDuringInitialisation(t *testing.T) {
	for _, bin := range []string{"ferry", "ferry-engine"} {
		cmd := exec.CommandContext(t.Context(), filepath.Join(built(t), bin), "version")
		cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1,gctrace=1", "GOGC=100")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", bin, err, out)
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
			t.Fatalf("%s: internal/startgc is not initialised:\n%s", bin, out)
		}
		for i, l := range lines[:last+1] {
			if strings.HasPrefix(l, "gc ") {
				t.Fatalf("%s: a collection ran during initialisation (line %d, startgc's init at line %d):\n%s", bin, i+1, startgc+1, out)
			}
		}
	}
}

// without is a directory holding the tests' binaries but the one named.
func without(t *testing.T, name string) string {
	t.Helper()
	dir := t.TempDir()
	for _, bin := range []string{"ferry", "ferry-engine", "ferry-controller"} {
		if bin == name {
			continue
		}
		if err := os.Link(filepath.Join(built(t), bin), filepath.Join(dir, bin)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Every command but the file commands runs in ferry-engine, executed with
// ferry's arguments: its help, its completion, its exit status and its
// name as a kubectl plugin are what the user sees; without ferry-engine,
// ferry says where it looked and how to get it, and the file commands
// still work.
func TestEngineCommandsRunInFerryEngine(t *testing.T) {
	dir := built(t)
	ferry := filepath.Join(dir, "ferry")

	out, _, code := run(t, ferry, "deploy", "--help")
	if code != 0 || !strings.Contains(out, "ferry deploy [-f FILE]") || !strings.Contains(out, "--kubeconfig") {
		t.Errorf("deploy --help: exit %d, want 0 and deploy's flags:\n%s", code, out)
	}
	if help, _, _ := run(t, ferry, "help", "deploy"); help != out {
		t.Errorf("help deploy printed other text than deploy --help:\n%s", help)
	}
	out, _, code = run(t, ferry, "__complete", "status", "--kube")
	if code != 0 || !strings.Contains(out, "--kubeconfig") {
		t.Errorf("completing status's flags: exit %d, want --kubeconfig offered:\n%s", code, out)
	}
	_, errOut, code := run(t, ferry, "status", "--no-such-flag")
	if code != 2 || !strings.Contains(errOut, "--no-such-flag") {
		t.Errorf("status --no-such-flag: exit %d, want the engine's 2:\n%s", code, errOut)
	}
	kubectl := filepath.Join(t.TempDir(), "kubectl-ferry")
	if err := os.Symlink(ferry, kubectl); err != nil {
		t.Fatal(err)
	}
	if out, _, code := run(t, kubectl, "status", "--help"); code != 0 || !strings.Contains(out, "kubectl ferry status") {
		t.Errorf("kubectl-ferry (a link to ferry elsewhere) status --help: exit %d, want the plugin's name:\n%s", code, out)
	}

	alone := filepath.Join(without(t, "ferry-engine"), "ferry")
	_, errOut, code = run(t, alone, "deploy", "-f", "ferry.yaml")
	if code != 1 || !strings.Contains(errOut, "ferry-engine is not next to ferry or on PATH") || !strings.Contains(errOut, "go install ferry.dev/ferry/cmd/ferry-engine") {
		t.Errorf("deploy without ferry-engine: exit %d, want 1 and where to get it:\n%s", code, errOut)
	}
	if out, _, code := run(t, alone, "version"); code != 0 || !strings.HasPrefix(out, "ferry ") {
		t.Errorf("version without ferry-engine: exit %d:\n%s", code, out)
	}
}
