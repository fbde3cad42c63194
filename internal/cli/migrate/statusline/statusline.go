package statusline

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"
)

// Line writes lines and a live status line to W. All its methods may be
// called from several goroutines at once.
type Line struct {
	// Redraw is the least time between two redraws of the status line on
	// a terminal (0: every Status call).
	Redraw time.Duration
	// Plain is how often, when W is not a terminal, Status prints the
	// status as a plain line (0: never).
	Plain time.Duration

	mu       sync.Mutex
	w        io.Writer
	terminal bool
	drawn    bool
	lastDraw time.Time
}

// New returns a Line writing to w; terminal says whether w is one.
func New(w io.Writer, terminal bool) *Line { return &Line{w: w, terminal: terminal} }

// Terminal reports whether the Line draws a live status line.
func (l *Line) Terminal() bool { return l.terminal }

// Write writes p above the status line (it lets a logger share the
// terminal with it).
func (l *Line) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.clear()
	return l.w.Write(p)
}

// Println writes one whole line above the status line.
func (l *Line) Println(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.clear()
	fmt.Fprintln(l.w, line)
}

// Status shows line as the live status: redrawn in place on a terminal,
// printed every Plain elsewhere.
func (l *Line) Status(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	switch {
	case l.terminal && now.Sub(l.lastDraw) >= l.Redraw:
		l.clear()
		fmt.Fprint(l.w, Fit(line, l.w))
		l.drawn, l.lastDraw = true, now
	case !l.terminal && l.Plain > 0 && now.Sub(l.lastDraw) >= l.Plain:
		fmt.Fprintln(l.w, line)
		l.lastDraw = now
	}
}

// Finish removes the status line, leaving the cursor at a line's start.
func (l *Line) Finish() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.clear()
}

func (l *Line) clear() {
	if l.drawn {
		fmt.Fprint(l.w, "\r\033[K")
		l.drawn = false
	}
}

// Fit cuts line to the width of the terminal w is (80 columns when that is
// unknown), so redrawing it with a carriage return never leaves a wrapped
// remainder behind.
func Fit(line string, w io.Writer) string {
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
