package migrate

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/migratetest"
)

// TestViewOffTerminalPrintsEachEventOnce: off a terminal the decision log
// carries every timeline event; the view adds no second copy.
func TestViewOffTerminalPrintsEachEventOnce(t *testing.T) {
	var b bytes.Buffer
	v := newView(&b, false)
	log := slog.New(slog.NewTextHandler(v, nil))
	s := migrate.NewState(migratetest.Config("api.example.test", "192.0.2.1", "192.0.2.2"))
	s, acts := migrate.Step(s, migrate.Start{Now: time.Now()})
	for _, a := range acts {
		if a.Kind == migrate.Log {
			log.Info(a.Message)
		}
	}
	v.update(s)
	v.finish()
	if n := strings.Count(b.String(), "preview:"); n != 1 {
		t.Errorf("the start event shows %d times, want once:\n%s", n, b.String())
	}
}
