package demo

import (
	"slices"
	"sync"
	"time"

	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/probe"
)

// stats counts client requests per stage as they happen.
type stats struct {
	mu       sync.Mutex
	current  *stageStats
	stages   []*stageStats
	failures []outcome
	total    int
	failed   int
	perSide  map[string]int
}

type stageStats struct {
	label      string
	weights    migrate.Weights
	start, end time.Time
	perSide    map[string]int
	failed     int
	// failedBy counts the failures per side that answered (or "dns").
	failedBy  map[string]int
	latencies []time.Duration
}

func newStats() *stats { return &stats{perSide: map[string]int{}} }

// enter starts counting requests under a new stage label.
func (s *stats) enter(label string, w migrate.Weights, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current != nil && s.current.label == label {
		return
	}
	if s.current != nil {
		s.current.end = now
	}
	s.current = &stageStats{label: label, weights: w, start: now, perSide: map[string]int{}, failedBy: map[string]int{}}
	s.stages = append(s.stages, s.current)
}

func (s *stats) record(o outcome) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total++
	s.perSide[o.side]++
	st := s.current
	st.perSide[o.side]++
	if o.ok {
		st.latencies = append(st.latencies, o.latency)
		return
	}
	s.failed++
	st.failed++
	st.failedBy[o.side]++
	s.failures = append(s.failures, o)
}

// snapshot returns totals for progress lines.
func (s *stats) snapshot() (total, failed int, perSide map[string]int, label string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	label = ""
	if s.current != nil {
		label = s.current.label
	}
	m := make(map[string]int, len(s.perSide))
	for k, v := range s.perSide {
		m[k] = v
	}
	return s.total, s.failed, m, label
}

// summarise fills the request figures of sum.
func (s *stats) summarise(sum *Summary, end time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sum.Requests, sum.Failed = s.total, s.failed
	sum.PerSide = map[string]int{"legacy": s.perSide["legacy"], "cluster": s.perSide["cluster"]}
	if n := s.perSide["dns"]; n > 0 {
		sum.PerSide["dns"] = n
	}
	first := time.Time{}
	if len(s.stages) > 0 {
		first = s.stages[0].start
	}
	for _, st := range s.stages {
		stop := st.end
		if stop.IsZero() {
			stop = end
		}
		lat := slices.Clone(st.latencies)
		slices.Sort(lat)
		n := 0
		for _, v := range st.perSide {
			n += v
		}
		if n == 0 && stop.Sub(st.start) < 100*time.Millisecond {
			continue // a stage DNS passed through at once (adopt, cutover)
		}
		sum.Stages = append(sum.Stages, StageSummary{
			Stage: st.label, Weights: st.weights, StartSeconds: secs(st.start.Sub(first)),
			Seconds: secs(stop.Sub(st.start)), Requests: n, Failed: st.failed,
			FailedPerSide: map[string]int{"legacy": st.failedBy["legacy"], "cluster": st.failedBy["cluster"]},
			PerSide:       map[string]int{"legacy": st.perSide["legacy"], "cluster": st.perSide["cluster"]},
			P50Ms:         ms(probe.Percentile(lat, 0.5)), P99Ms: ms(probe.Percentile(lat, 0.99)),
		})
	}
	for _, o := range s.failures {
		sum.FailedRequests = append(sum.FailedRequests, Failure{
			At: o.at, ResolvedAt: o.resolved, Side: o.side, Error: o.err,
		})
	}
}

func secs(d time.Duration) float64 { return float64(d.Milliseconds()) / 1000 }
func ms(d time.Duration) float64   { return float64(d.Microseconds()) / 1000 }
