package migrate

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/migratetest"
	"ferry.dev/ferry/internal/migrate/store"
)

// TestJSONDurationsAreStrings: -o json shows durations as Go duration
// strings ("5m0s"), not nanoseconds, keeping field names and order.
func TestJSONDurationsAreStrings(t *testing.T) {
	cfg := migratetest.Config("api.example.test", "192.0.2.1", "192.0.2.2")
	cfg.Hold, cfg.TTL = 5*time.Minute, 30*time.Second
	s := migrate.NewState(cfg)
	s.Health[migrate.Cluster] = migrate.SideHealth{N: 3, P99: 1500 * time.Microsecond, Status: migrate.GatePass}
	var b bytes.Buffer
	if err := clio.WriteJSON(&b, statusJSON{State: s, RunningBy: &store.Holder{PID: 7}}); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Config struct {
			Hold string `json:"hold"`
			TTL  string `json:"ttl"`
		} `json:"config"`
		Stage  string `json:"stage"`
		Health map[string]struct {
			P99 string `json:"p99"`
		} `json:"health"`
		RunningBy struct {
			PID int `json:"pid"`
		} `json:"runningBy"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if got.Config.Hold != "5m0s" || got.Config.TTL != "30s" || got.Health["cluster"].P99 != "1.5ms" || got.Stage != "pending" || got.RunningBy.PID != 7 {
		t.Errorf("decoded %+v from:\n%s", got, b.String())
	}
	if !strings.HasPrefix(b.String(), "{\n  \"config\"") {
		t.Errorf("fields out of order:\n%s", b.String())
	}
}
