package check

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/cli/clio"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// specs is where the kops test specs live (package ha/kops owns them).
const specs = "../../ha/kops/testdata/"

// run executes "ferry check ARGS" in process and returns stdout, stderr and
// the exit status.
func run(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := NewCommand(clio.Streams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut})
	cmd.SetArgs(args)
	cmd.SetOut(&errOut)
	cmd.SetErr(&errOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.ExecuteContext(t.Context())
	if err != nil {
		errOut.WriteString("error: " + err.Error() + "\n")
	}
	return out.String(), errOut.String(), clio.Code(err)
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

func TestCheckKopsTables(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		golden string
		code   int
	}{
		{name: "3 members over 2 zones", args: []string{specs + "three-members-two-zones.yaml"}, golden: "three-members-two-zones.txt", code: 0},
		{name: "3 members over 2 zones, zone required", args: []string{specs + "three-members-two-zones.yaml", "--require", "zone"}, golden: "three-members-two-zones-require-zone.txt", code: 1},
		{name: "3 members over 3 zones, zone required", args: []string{specs + "three-members-three-zones.yaml", "--require=zone"}, golden: "three-members-three-zones.txt", code: 0},
		{name: "5 members over 3 zones", args: []string{specs + "five-members-three-zones.yaml", "--require=zone"}, golden: "five-members-three-zones.txt", code: 0},
		{name: "1 member", args: []string{specs + "one-member.yaml"}, golden: "one-member.txt", code: 1},
		{name: "even member count is an error", args: []string{specs + "even-members.yaml"}, golden: "even-members.txt", code: 1},
		{name: "kops defaults", args: []string{specs + "kops-defaults.yaml"}, golden: "kops-defaults.txt", code: 1},
		{name: "region required is never met by one region", args: []string{specs + "real/ha.yaml", "--require", "region"}, golden: "ha-require-region.txt", code: 1},
		{name: "shared zones", args: []string{specs + "real/ha_shared_zones.yaml"}, golden: "ha-shared-zones.txt", code: 0},
		{name: "member group spanning zones", args: []string{specs + "member-group-spans-zones.yaml", "--require", "zone"}, golden: "member-group-spans-zones.txt", code: 1},
		{name: "workers in one zone", args: []string{specs + "workers-one-zone.yaml", "--require", "zone"}, golden: "workers-one-zone.txt", code: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := run(t, "", append([]string{"kops"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit status %d, want %d (stderr %q)", code, tt.code, errOut)
			}
			golden(t, tt.golden, out)
		})
	}
}

func TestCheckKopsJSON(t *testing.T) {
	in, err := os.ReadFile(specs + "three-members-two-zones.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code := run(t, string(in), "kops", "-", "-o", "json", "--require", "zone")
	if code != 1 {
		t.Errorf("exit status %d, want 1 (stderr %q)", code, errOut)
	}
	golden(t, "three-members-two-zones.json", out)
	var doc struct {
		ControlPlane map[string]any `json:"controlPlane"`
		Scenarios    []struct {
			Failure  string `json:"failure"`
			Survives bool   `json:"survives"`
			Why      string `json:"why"`
		} `json:"scenarios"`
		Findings []struct {
			Severity, Check, Message, Fix string
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.ControlPlane == nil || len(doc.Scenarios) != 4 || doc.Scenarios[1].Failure != "zone eu-west-3a" || doc.Scenarios[1].Survives {
		t.Errorf("JSON does not have the documented shape: %s", out)
	}
}

func TestCheckKopsBadInput(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "no file", args: []string{"kops"}, want: "requires at least 1 arg"},
		{name: "missing file", args: []string{"kops", "testdata/nope.yaml"}, want: "reading testdata/nope.yaml"},
		{name: "unknown kind", args: []string{"kops", specs + "invalid/unknown-kind.yaml"}, want: "unknown-kind.yaml:14: unknown kind \"Keyset\""},
		{name: "member on missing group", args: []string{"kops", specs + "invalid/missing-instance-group.yaml"}, want: "missing-instance-group.yaml:11: etcd cluster \"main\": member \"c\""},
		{name: "bad require", args: []string{"kops", specs + "one-member.yaml", "--require", "rack"}, want: `--require "rack": want instance, zone or region`},
		{name: "bad output", args: []string{"kops", specs + "one-member.yaml", "-o", "yaml"}, want: `--output "yaml"`},
		{name: "unknown flag", args: []string{"kops", "--zones", "3"}, want: "unknown flag: --zones"},
		{name: "same file twice", args: []string{"kops", specs + "one-member.yaml", specs + "one-member.yaml"}, want: specs + "one-member.yaml is given twice; pass each file once"},
		{name: "same file spelled twice", args: []string{"kops", specs + "one-member.yaml", "./" + specs + "one-member.yaml"}, want: "one-member.yaml and ./" + specs + "one-member.yaml are the same file"},
		{name: "stdin twice", args: []string{"kops", "-", "-"}, want: "- (stdin) is given twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := run(t, "", tt.args...)
			if code != clio.ExitUsage {
				t.Errorf("exit status %d, want 2", code)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			if !strings.Contains(errOut, tt.want) {
				t.Errorf("stderr %q does not mention %q", errOut, tt.want)
			}
		})
	}
}
