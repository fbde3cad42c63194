package migrate

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"

	"ferry.dev/ferry/internal/migrate"
)

// view draws a running migration on stderr: timeline events as lines, and
// on a terminal a live status line (stage, weights, each side's gate).
type view struct {
	mu       sync.Mutex
	w        io.Writer
	terminal bool
	events   int
	drawn    bool
	lastDraw time.Time
}

func newView(w io.Writer, terminal bool) *view { return &view{w: w, terminal: terminal} }

// Write lets the decision log share the terminal with the status line.
func (v *view) Write(p []byte) (int, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.clear()
	return v.w.Write(p)
}

func (v *view) clear() {
	if v.drawn {
		fmt.Fprint(v.w, "\r\033[K")
		v.drawn = false
	}
}

func (v *view) update(s migrate.State) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.events > len(s.Timeline) {
		v.events = 0
	}
	for _, e := range s.Timeline[v.events:] {
		v.clear()
		fmt.Fprintf(v.w, "==> %s  %s\n", e.At.Local().Format(time.TimeOnly), e.Message)
	}
	v.events = len(s.Timeline)
	if !v.terminal || time.Since(v.lastDraw) < 200*time.Millisecond {
		return
	}
	v.clear()
	fmt.Fprint(v.w, fit(statusLine(s), v.w))
	v.drawn, v.lastDraw = true, time.Now()
}

func (v *view) finish() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.clear()
}

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

// fit cuts line to the terminal's width, so redrawing it with a carriage
// return never leaves a wrapped remainder behind.
func fit(line string, w io.Writer) string {
	width := 80
	if f, ok := w.(*os.File); ok {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
			width = cols
		}
	}
	if r := []rune(line); len(r) >= width {
		return string(r[:width-1])
	}
	return line
}
