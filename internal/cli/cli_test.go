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
	"ferry.dev/ferry/internal/cli/clitest"
	"ferry.dev/ferry/internal/cli/dispatch"
)

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
				res := clitest.Run(t, cli.Run, cmd, "-f", path)
				if res.Code != clio.ExitUsage {
					t.Errorf("%s exit status = %d, want 2", cmd, res.Code)
				}
				if res.Stdout != "" {
					t.Errorf("%s wrote to stdout for an invalid file:\n%s", cmd, res.Stdout)
				}
				var got []string
				for _, line := range strings.Split(strings.TrimSpace(res.Stderr), "\n") {
					if rest, ok := strings.CutPrefix(line, path+":"); ok && !strings.HasPrefix(rest, " ") {
						got = append(got, rest)
					}
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s problems (-want +got):\n%s\nfull stderr:\n%s", cmd, diff, res.Stderr)
				}
			}
		})
	}
}

func TestInitWritesAFileThatRenders(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ferry.yaml")
	if res := clitest.Run(t, cli.Run, "init", "-f", path); res.Code != 0 {
		t.Fatalf("init: exit %d: %s", res.Code, res.Stderr)
	}
	if res := clitest.Run(t, cli.Run, "init", "-f", path); res.Code != clio.ExitUsage || !strings.Contains(res.Stderr, "--force") {
		t.Errorf("init over an existing file: exit %d, stderr %q; want 2 and a hint about --force", res.Code, res.Stderr)
	}
	if res := clitest.Run(t, cli.Run, "render", "-f", path); res.Code != 0 || !strings.Contains(res.Stdout, "kind: Deployment") {
		t.Fatalf("render of the init file: exit %d\n%s", res.Code, res.Stderr)
	}
	if res := clitest.Run(t, cli.Run, "validate", "-f", path); res.Code != 0 || !strings.Contains(res.Stdout, "valid (2 services)") {
		t.Errorf("validate: exit %d, %q", res.Code, res.Stdout)
	}
}

func TestRenderFromStdinAndJSON(t *testing.T) {
	data, err := os.ReadFile("../spec/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res := clitest.RunStdin(t, cli.Run, string(data), "render", "-f", "-", "--service", "api", "-o", "json")
	if res.Code != 0 {
		t.Fatalf("exit %d: %s", res.Code, res.Stderr)
	}
	for _, want := range []string{`"kind": "List"`, `"kind": "Ingress"`, `"kind": "PodDisruptionBudget"`} {
		if !strings.Contains(res.Stdout, want) {
			t.Errorf("json output lacks %s", want)
		}
	}
	if strings.Contains(res.Stdout, `"mailer"`) {
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
		if res := clitest.Run(t, cli.Run, args...); res.Code != clio.ExitUsage {
			t.Errorf("ferry %v: exit %d, want 2", args, res.Code)
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

// The ferry binary (dispatch.Run) shows the same help and completes the
// same command names as the whole tree in ferry-engine (cli.Run): its list
// of engine commands, their usage and summaries, are the engine's.
func TestFerryHelpIsTheEngines(t *testing.T) {
	for _, args := range [][]string{
		{"ferry", "--help"},
		{"ferry"},
		{"/usr/local/bin/kubectl-ferry", "--help"},
		{"ferry", "__complete", ""},
		{"ferry", "__complete", "d"},
		{"ferry", "no-such-command"},
	} {
		var front, engine bytes.Buffer
		frontCode := dispatch.Run(t.Context(), clio.Streams{In: strings.NewReader(""), Out: &front, ErrOut: &front}, args)
		engineCode := cli.Run(t.Context(), clio.Streams{In: strings.NewReader(""), Out: &engine, ErrOut: &engine}, args)
		if diff := cmp.Diff(engine.String(), front.String()); diff != "" || frontCode != engineCode {
			t.Errorf("%v: ferry exit %d, ferry-engine exit %d; output (-engine +ferry):\n%s", args, frontCode, engineCode, diff)
		}
	}
}
