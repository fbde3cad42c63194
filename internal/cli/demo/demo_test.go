package demo_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/demo"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := demo.NewCommand(clio.Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errb})
	cmd.SetArgs(args)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.ExecuteContext(t.Context())
	return clio.Code(err), out.String(), errb.String()
}

// TestDemoJSON runs a short demo through the command and checks the JSON
// scripts rely on.
func TestDemoJSON(t *testing.T) {
	code, out, stderr := run(t, "--hold", "1s", "--ttl", "1s", "--rate", "200", "--workers", "8", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var got struct {
		Result   string         `json:"result"`
		Requests int            `json:"requests"`
		Failed   *int           `json:"failed"`
		PerSide  map[string]int `json:"perSide"`
		Stages   []struct {
			Stage string `json:"stage"`
		} `json:"stages"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, out)
	}
	if got.Result != "done" || got.Failed == nil || *got.Failed != 0 || got.Requests == 0 {
		t.Errorf("summary %+v, want done with requests and 0 failed", got)
	}
	if got.PerSide["legacy"]+got.PerSide["cluster"] != got.Requests {
		t.Errorf("perSide %v does not add up to %d requests", got.PerSide, got.Requests)
	}
	var stages []string
	for _, s := range got.Stages {
		stages = append(stages, s.Stage)
	}
	if !strings.HasPrefix(strings.Join(stages, ","), "preview,") || stages[len(stages)-1] != "legacy-off" {
		t.Errorf("stages %v, want preview first and legacy-off (legacy shut down) last", stages)
	}
	if !strings.Contains(stderr, "done: legacy has drained") {
		t.Errorf("progress on stderr lacks the timeline:\n%s", stderr)
	}
}

func TestDemoBadFlags(t *testing.T) {
	for _, args := range [][]string{{"--fail-at", "150"}, {"--ttl", "1500ms"}, {"--rate", "0"}, {"-o", "yaml"}} {
		if code, _, _ := run(t, args...); code != clio.ExitUsage {
			t.Errorf("ferry demo %v: exit %d, want 2", args, code)
		}
	}
}
