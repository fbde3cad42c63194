package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/cli"
	"ferry.dev/ferry/internal/cli/clio"
)

// run runs ferry in process and returns its exit status and streams.
func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	streams := clio.Streams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut}
	code = cli.Run(t.Context(), streams, append([]string{"ferry"}, args...))
	return code, out.String(), errOut.String()
}

// TestInvalidFiles: every invalid file is rejected by validate and render
// with exit status 2, nothing on stdout, and exactly the expected problems,
// each pointing at its line and column.
func TestInvalidFiles(t *testing.T) {
	files, _ := filepath.Glob("testdata/invalid/invalid-*.yaml")
	if len(files) != len(invalidFiles) {
		t.Errorf("testdata has %d invalid files, the table %d: keep them in step", len(files), len(invalidFiles))
	}
	if len(invalidFiles) < 30 {
		t.Errorf("only %d invalid files; the format needs at least 30 checked", len(invalidFiles))
	}
	for name, want := range invalidFiles {
		t.Run(name, func(t *testing.T) {
			path := "testdata/invalid/invalid-" + name + ".yaml"
			for _, cmd := range []string{"validate", "render"} {
				code, stdout, stderr := run(t, "", cmd, "-f", path)
				if code != clio.ExitUsage {
					t.Errorf("%s exit status = %d, want 2", cmd, code)
				}
				if stdout != "" {
					t.Errorf("%s wrote to stdout for an invalid file:\n%s", cmd, stdout)
				}
				var got []string
				for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
					if rest, ok := strings.CutPrefix(line, path+":"); ok && !strings.HasPrefix(rest, " ") {
						got = append(got, rest)
					}
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s problems (-want +got):\n%s\nfull stderr:\n%s", cmd, diff, stderr)
				}
			}
		})
	}
}

func TestInitWritesAFileThatRenders(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ferry.yaml")
	if code, _, stderr := run(t, "", "init", "-f", path); code != 0 {
		t.Fatalf("init: exit %d: %s", code, stderr)
	}
	if code, _, stderr := run(t, "", "init", "-f", path); code != clio.ExitUsage || !strings.Contains(stderr, "--force") {
		t.Errorf("init over an existing file: exit %d, stderr %q; want 2 and a hint about --force", code, stderr)
	}
	code, stdout, stderr := run(t, "", "render", "-f", path)
	if code != 0 || !strings.Contains(stdout, "kind: Deployment") {
		t.Fatalf("render of the init file: exit %d\n%s", code, stderr)
	}
	if code, stdout, _ := run(t, "", "validate", "-f", path); code != 0 || !strings.Contains(stdout, "valid (2 services)") {
		t.Errorf("validate: exit %d, %q", code, stdout)
	}
}

func TestRenderFromStdinAndJSON(t *testing.T) {
	data, err := os.ReadFile("../spec/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, string(data), "render", "-f", "-", "--service", "api", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{`"kind": "List"`, `"kind": "Ingress"`, `"kind": "PodDisruptionBudget"`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("json output lacks %s", want)
		}
	}
	if strings.Contains(stdout, `"mailer"`) {
		t.Error("--service api rendered another service")
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"render", "-o", "xml", "-f", "../spec/example.yaml"},
		{"render", "--service", "nope", "-f", "../spec/example.yaml"},
		{"validate", "-f", "testdata/does-not-exist.yaml"},
		{"validate", "extra-arg"},
		{"no-such-command"},
		{"render", "--no-such-flag"},
	} {
		if code, _, _ := run(t, "", args...); code != clio.ExitUsage {
			t.Errorf("ferry %v: exit %d, want 2", args, code)
		}
	}
}

func TestKubectlPluginName(t *testing.T) {
	var out bytes.Buffer
	streams := clio.Streams{In: strings.NewReader(""), Out: &out, ErrOut: &out}
	if code := cli.Run(t.Context(), streams, []string{"/usr/local/bin/kubectl-ferry", "--help"}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out.String(), "kubectl ferry") {
		t.Errorf("help as a kubectl plugin should say \"kubectl ferry\":\n%s", out.String())
	}
}
