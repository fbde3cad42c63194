package statusline

import (
	"bytes"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentUse: events and status from several goroutines (the demo's
// progress comes from the executor and the client counters) are written
// whole; run with -race, a write from two goroutines at once is reported.
func TestConcurrentUse(t *testing.T) {
	var b bytes.Buffer
	l := New(&b, true)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 100 {
				if i%2 == 0 {
					l.Status("status")
				} else {
					l.Println("event")
				}
			}
		})
	}
	wg.Wait()
	l.Finish()
	if got := strings.Count(b.String(), "event\n"); got != 400 {
		t.Errorf("%d event lines, want 400", got)
	}
}

func TestFit(t *testing.T) {
	long := strings.Repeat("x", 200)
	if got := Fit(long, &bytes.Buffer{}); len(got) != 79 {
		t.Errorf("Fit to an unknown width = %d runes, want 79", len(got))
	}
	if got := Fit("short", &bytes.Buffer{}); got != "short" {
		t.Errorf("Fit(short) = %q", got)
	}
}
