package check

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/clitest"
	"ferry.dev/ferry/internal/golden"
)

// specs is where the kops test specs live (package ha/kops owns them).
const specs = "../../ha/kops/testdata/"

// check runs "ferry check ARGS" in process.
var check = clitest.Command(NewCommand)

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
			res := clitest.Run(t, check, append([]string{"kops"}, tt.args...)...)
			if res.Code != tt.code {
				t.Errorf("exit status %d, want %d (stderr %q)", res.Code, tt.code, res.Stderr)
			}
			golden.Check(t, filepath.Join("testdata", tt.golden), res.Stdout)
		})
	}
}

func TestCheckKopsJSON(t *testing.T) {
	in, err := os.ReadFile(specs + "three-members-two-zones.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res := clitest.RunStdin(t, check, string(in), "kops", "-", "-o", "json", "--require", "zone")
	if res.Code != 1 {
		t.Errorf("exit status %d, want 1 (stderr %q)", res.Code, res.Stderr)
	}
	golden.Check(t, "testdata/three-members-two-zones.json", res.Stdout)
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
	if err := json.Unmarshal([]byte(res.Stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.ControlPlane == nil || len(doc.Scenarios) != 4 || doc.Scenarios[1].Failure != "zone eu-west-3a" || doc.Scenarios[1].Survives {
		t.Errorf("JSON does not have the documented shape: %s", res.Stdout)
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
			res := clitest.Run(t, check, tt.args...)
			if res.Code != clio.ExitUsage {
				t.Errorf("exit status %d, want 2", res.Code)
			}
			if res.Stdout != "" {
				t.Errorf("stdout %q, want nothing", res.Stdout)
			}
			if !strings.Contains(res.Stderr, tt.want) {
				t.Errorf("stderr %q does not mention %q", res.Stderr, tt.want)
			}
		})
	}
}
