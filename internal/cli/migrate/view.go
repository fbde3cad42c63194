package migrate

import (
	"fmt"
	"io"
	"sync"
	"time"

	"ferry.dev/ferry/internal/cli/migrate/statusline"
	"ferry.dev/ferry/internal/migrate"
)

// view draws a running migration on stderr: timeline events as lines, and
// on a terminal a live status line (stage, weights, each side's gate). Off
// a terminal the decision log already carries every event, so the view
// adds none (each would show twice).
type view struct {
	line *statusline.Line
	// lines: print each timeline event (on a terminal, or where no
	// decision log carries them: following a controller's run).
	lines  bool
	mu     sync.Mutex
	events int
}

func newView(w io.Writer, terminal bool) *view {
	l := statusline.New(w, terminal)
	l.Redraw = 200 * time.Millisecond
	return &view{line: l, lines: terminal}
}

// Write lets the decision log share the terminal with the status line.
func (v *view) Write(p []byte) (int, error) { return v.line.Write(p) }

func (v *view) update(s migrate.State) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.events > len(s.Timeline) {
		v.events = 0
	}
	if v.lines {
		for _, e := range s.Timeline[v.events:] {
			v.line.Println(fmt.Sprintf("==> %s  %s", e.At.Local().Format(time.TimeOnly), e.Message))
		}
	}
	v.events = len(s.Timeline)
	v.line.Status(statusLine(s))
}

func (v *view) finish() { v.line.Finish() }

func statusLine(s migrate.State) string {
	line := fmt.Sprintf("%s  legacy %d%% cluster %d%%", s.Stage, s.Weights.Legacy, s.Weights.Cluster)
	if s.Paused {
		line += " PAUSED"
	}
	for _, side := range []migrate.Side{migrate.Legacy, migrate.Cluster} {
		if h, ok := s.Health[side]; ok {
			line += fmt.Sprintf(" | %s %s %.3f p99 %v", side, h.Status, h.SuccessRatio, h.P99.Round(100*time.Microsecond))
		}
	}
	return line
}
