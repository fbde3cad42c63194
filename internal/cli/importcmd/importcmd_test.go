package importcmd_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"ferry.dev/ferry/internal/cli"
	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/clitest"
	"ferry.dev/ferry/internal/golden"
	"ferry.dev/ferry/internal/importer/draft"
	"ferry.dev/ferry/internal/importer/handoff"
)

// fixtures is where the Terraform inputs live (package importer owns them).
const fixtures = "../../importer/testdata/"

// workdir copies fixtures (under their base names) and testdata files into
// a fresh directory and makes it the working directory, so reports and
// drafts name short, stable paths.
func workdir(t *testing.T, files ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range files {
		src := filepath.Join(fixtures, f)
		if strings.HasPrefix(f, "testdata/") {
			src = f
		}
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	return dir
}

// importCases are the golden cases: each fixture set and the flags.
var importCases = []struct {
	name  string
	files []string
	args  []string
}{
	{name: "alb-alias-record-plan", files: []string{"alb-alias-record-plan.json"},
		args: []string{"alb-alias-record-plan.json", "--handoff", "handoff.tf"}},
	{name: "alb-instances", files: []string{"alb-instances/main.tfstate", "alb-instances/route53.tfstate"},
		args: []string{"main.tfstate", "route53.tfstate", "--handoff", "handoff.tf"}},
	{name: "elb-asg-module", files: []string{"elb-asg-module.tfstate"},
		args: []string{"elb-asg-module.tfstate", "--handoff", "handoff.tf", "--plan-nodes", "t3.medium"}},
	{name: "lb-listener", files: []string{"driftctl/aws_lb_listener.tfstate"},
		args: []string{"aws_lb_listener.tfstate", "--plan-nodes", "m5.large"}},
	{name: "weighted-asg-docker", files: []string{"hand-made/weighted-asg-docker.tfstate", "testdata/prices-eu-west-1.yaml"},
		args: []string{"weighted-asg-docker.tfstate", "--handoff", "handoff.tf", "--plan-nodes", "m5.large,m5.xlarge,t3.medium", "--prices", "prices-eu-west-1.yaml"}},
}

// TestGolden: each fixture → the report, the ferry.yaml draft and the
// hand-off HCL, compared with testdata/golden/<case>/ (go test -update
// rewrites them). The hand-off, both its parts, parses as HCL.
func TestGolden(t *testing.T) {
	for _, tc := range importCases {
		t.Run(tc.name, func(t *testing.T) {
			goldenDir := filepath.Join(mustAbs(t, "testdata/golden"), tc.name)
			dir := workdir(t, tc.files...)
			res := clitest.Run(t, cli.Run, append([]string{"import", "terraform"}, tc.args...)...)
			if res.Code != 0 {
				t.Fatalf("exit %d: %s", res.Code, res.Stderr)
			}
			golden.Check(t, filepath.Join(goldenDir, "report.txt"), res.Stdout)
			golden.Check(t, filepath.Join(goldenDir, "ferry.yaml"), string(read(t, filepath.Join(dir, "ferry.yaml"))))
			if hcl, err := os.ReadFile(filepath.Join(dir, "handoff.tf")); err == nil {
				golden.Check(t, filepath.Join(goldenDir, "handoff.tf"), string(hcl))
				parseHandoff(t, hcl)
			} else if _, err := os.Stat(filepath.Join(goldenDir, "handoff.tf")); err == nil {
				t.Error("no handoff.tf written, but the golden has one")
			}
			jsonOut := clitest.Run(t, cli.Run, append([]string{"import", "terraform", "-o", "json", "--force"}, tc.args...)...).Stdout
			golden.Check(t, filepath.Join(goldenDir, "report.json"), jsonOut)
			var rep struct {
				Written struct{ Placeholders []string }
			}
			if err := json.Unmarshal([]byte(jsonOut), &rep); err != nil {
				t.Fatal(err)
			}
			holes := strings.Count(string(read(t, filepath.Join(dir, "ferry.yaml"))), ": "+draft.Marker)
			if holes != len(rep.Written.Placeholders) || holes == 0 {
				t.Errorf("%d placeholders in the draft, %d reported", holes, len(rep.Written.Placeholders))
			}
		})
	}
}

// parseHandoff parses both parts of a hand-off with the HCL parser: the
// blocks to apply now, and the commented part for after done, uncommented.
func parseHandoff(t *testing.T, src []byte) {
	t.Helper()
	now, later, ok := strings.Cut(string(src), handoff.AfterDone+"\n")
	if !ok {
		t.Fatalf("no %q line", handoff.AfterDone)
	}
	var uncommented strings.Builder
	for _, l := range strings.Split(later, "\n") {
		l = strings.TrimPrefix(strings.TrimPrefix(l, "#"), " ")
		uncommented.WriteString(l + "\n")
	}
	for name, part := range map[string]string{"now": now, "after done": uncommented.String()} {
		f, diags := hclsyntax.ParseConfig([]byte(part), name+".tf", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%s part does not parse: %s\n%s", name, diags.Error(), part)
		}
		blocks := f.Body.(*hclsyntax.Body).Blocks
		if len(blocks) == 0 {
			t.Errorf("%s part has no blocks", name)
		}
		for _, b := range blocks {
			if want := map[string][]string{"now": {"removed"}, "after done": {"import", "resource"}}[name]; !contains(want, b.Type) {
				t.Errorf("%s part has a %s block", name, b.Type)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestBadInput: input that is not Terraform state of version 4 or show
// -json exits 2 naming the file and the problem, and writes nothing.
func TestBadInput(t *testing.T) {
	tests := []struct {
		name, file, want string
	}{
		{name: "non-Terraform JSON", file: "invalid/not-terraform.json", want: "not-terraform.json: not Terraform state: the top level is an array"},
		{name: "another state version", file: "invalid/state-version-3.tfstate", want: "state-version-3.tfstate: state version 3: ferry reads version 4"},
		{name: "truncated", file: "invalid/truncated.tfstate", want: "truncated.tfstate: truncated: the JSON ends after 1000 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := workdir(t, tt.file, "elb-asg-module.tfstate")
			// A good file beside the bad one: still nothing is written.
			res := clitest.Run(t, cli.Run, "import", "terraform", "elb-asg-module.tfstate", filepath.Base(tt.file), "--handoff", "h.tf")
			if res.Code != clio.ExitUsage || !strings.Contains(res.Stderr, tt.want) || res.Stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and %q", res.Code, res.Stdout, res.Stderr, tt.want)
			}
			assertOnly(t, dir, "elb-asg-module.tfstate", filepath.Base(tt.file))
		})
	}
}

// assertOnly fails when dir holds other files than names.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !contains(names, e.Name()) {
			t.Errorf("%s was written", e.Name())
		}
	}
}

func TestNothingToImport(t *testing.T) {
	dir := workdir(t, "show-state-no-aws.json", "asg-no-balancer.tfstate")
	for _, f := range []string{"show-state-no-aws.json", "asg-no-balancer.tfstate"} {
		res := clitest.Run(t, cli.Run, "import", "terraform", f)
		if res.Code != clio.ExitFailed || !strings.Contains(res.Stderr, "no load balancer") || !strings.Contains(res.Stdout, "RESOURCES:") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want 1, the report, and why", f, res.Code, res.Stdout, res.Stderr)
		}
	}
	assertOnly(t, dir, "show-state-no-aws.json", "asg-no-balancer.tfstate")
}

func TestUsage(t *testing.T) {
	dir := workdir(t, "elb-asg-module.tfstate")
	if err := os.WriteFile("ferry.yaml", []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"elb-asg-module.tfstate"}, // ferry.yaml exists
		{"elb-asg-module.tfstate", "--draft", "new.yaml", "-o", "xml"},
		{"elb-asg-module.tfstate", "--draft", "new.yaml", "--plan-nodes", "m5.huge"},
		{"elb-asg-module.tfstate", "--draft", "new.yaml", "--prices", "p.yaml"},
		{"elb-asg-module.tfstate", "--draft", "new.yaml", "--handoff", "new.yaml"},
		{"no-such-file.tfstate", "--draft", "new.yaml"},
		{},
	} {
		if res := clitest.Run(t, cli.Run, append([]string{"import", "terraform"}, args...)...); res.Code != clio.ExitUsage {
			t.Errorf("import terraform %v: exit %d (%s), want 2", args, res.Code, res.Stderr)
		}
	}
	if got := string(read(t, "ferry.yaml")); got != "mine\n" {
		t.Errorf("ferry.yaml was overwritten: %q", got)
	}
	assertOnly(t, dir, "elb-asg-module.tfstate", "ferry.yaml")
}

func TestStdinAndDraftToStdout(t *testing.T) {
	state := read(t, mustAbsFixture(t, "elb-asg-module.tfstate"))
	workdir(t)
	res := clitest.RunStdin(t, cli.Run, string(state), "import", "terraform", "-", "--draft", "-")
	if res.Code != 0 || !strings.HasPrefix(res.Stdout, "# ferry.yaml drafted") || !strings.Contains(res.Stderr, "read -: state file version 4") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", res.Code, res.Stdout, res.Stderr)
	}
}

func mustAbsFixture(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}
