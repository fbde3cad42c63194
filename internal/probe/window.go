package probe

import (
	"slices"
	"sync"
	"time"
)

// Sample is one probe's outcome.
type Sample struct {
	At      time.Time
	OK      bool
	Latency time.Duration
}

// Stats summarise a window of samples.
type Stats struct {
	N            int
	SuccessRatio float64
	P50, P99     time.Duration
}

// Window keeps the samples of the last Span. It is safe for concurrent use.
type Window struct {
	Span    time.Duration
	mu      sync.Mutex
	samples []Sample
}

// Add records s and forgets samples older than Span before s.At.
func (w *Window) Add(s Sample) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.samples = append(w.samples, s)
	cut := s.At.Add(-w.Span)
	i := 0
	for i < len(w.samples) && w.samples[i].At.Before(cut) {
		i++
	}
	w.samples = slices.Delete(w.samples, 0, i)
}

// Stats computes the window's success ratio and latency percentiles.
// Failed probes count at their latency (a timeout counts as its full time).
func (w *Window) Stats() Stats {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := len(w.samples)
	if n == 0 {
		return Stats{}
	}
	lat := make([]time.Duration, n)
	ok := 0
	for i, s := range w.samples {
		lat[i] = s.Latency
		if s.OK {
			ok++
		}
	}
	slices.Sort(lat)
	return Stats{N: n, SuccessRatio: float64(ok) / float64(n), P50: Percentile(lat, 0.50), P99: Percentile(lat, 0.99)}
}

// Percentile is the nearest-rank percentile p (0-1] of sorted values.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p*float64(len(sorted)) + 0.999999)
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}
