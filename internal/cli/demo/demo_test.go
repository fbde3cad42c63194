package demo_test

import (
	"encoding/json"
	"strings"
	"testing"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/clitest"
	"ferry.dev/ferry/internal/cli/demo"
)

// ferryDemo runs "ferry demo ARGS" in process.
var ferryDemo = clitest.Command(demo.NewCommand)

// TestDemoJSON runs a short demo through the command and checks the JSON
// scripts rely on.
func TestDemoJSON(t *testing.T) {
	res := clitest.Run(t, ferryDemo, "--hold", "1s", "--ttl", "1s", "--rate", "200", "--workers", "8", "-o", "json")
	if res.Code != 0 {
		t.Fatalf("exit %d\n%s", res.Code, res.Stderr)
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
	if err := json.Unmarshal([]byte(res.Stdout), &got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, res.Stdout)
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
	// "before" (the clients' requests before the migration's first state)
	// is listed when it took 100 ms or more or held a request, as it can
	// on a busy machine.
	if got := strings.TrimPrefix(strings.Join(stages, ","), "before,"); !strings.HasPrefix(got, "preview,") || stages[len(stages)-1] != "legacy-off" {
		t.Errorf("stages %v, want preview first (after any \"before\") and legacy-off (legacy shut down) last", stages)
	}
	if !strings.Contains(res.Stderr, "done: legacy has drained") {
		t.Errorf("progress on stderr lacks the timeline:\n%s", res.Stderr)
	}
}

func TestDemoBadFlags(t *testing.T) {
	for _, args := range [][]string{{"--fail-at", "150"}, {"--ttl", "1500ms"}, {"--rate", "0"}, {"-o", "yaml"}} {
		if res := clitest.Run(t, ferryDemo, args...); res.Code != clio.ExitUsage {
			t.Errorf("ferry demo %v: exit %d, want 2", args, res.Code)
		}
	}
}
