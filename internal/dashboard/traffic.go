package dashboard

import (
	"sync"

	"ferry.dev/ferry/internal/migrate"
)

// TrafficSource tells the requests each side of a migration really served,
// the figures behind the observed split. Traffic returns false for a
// domain it knows nothing of.
type TrafficSource interface {
	Traffic(domain string) (Traffic, bool)
}

// Traffic is what clients sent to a domain so far: totals per side and the
// same per DNS stage (one step of the shift counting as its own stage).
type Traffic struct {
	Requests map[migrate.Side]int `json:"requests"`
	Failed   int                  `json:"failed"`
	Stages   []TrafficStage       `json:"stages"`
}

// TrafficStage counts the requests sent while DNS was in one stage.
type TrafficStage struct {
	Stage        string               `json:"stage"`
	Weights      migrate.Weights      `json:"weights"`
	StartSeconds float64              `json:"startSeconds"`
	Seconds      float64              `json:"seconds"`
	Requests     map[migrate.Side]int `json:"requests"`
	Failed       int                  `json:"failed"`
	// FailedPerSide are the failures by the side that answered them.
	FailedPerSide map[migrate.Side]int `json:"failedPerSide"`
	P50Ms         float64              `json:"p50Ms"`
	P99Ms         float64              `json:"p99Ms"`
}

// Feed is a TrafficSource its owner keeps up to date with Set (the demo
// does, from its clients' counts).
type Feed struct {
	mu sync.Mutex
	by map[string]Traffic
}

var _ TrafficSource = (*Feed)(nil)

// Set replaces what is known of domain's traffic.
func (f *Feed) Set(domain string, t Traffic) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.by == nil {
		f.by = map[string]Traffic{}
	}
	f.by[domain] = t
}

// Traffic returns the last Set for domain.
func (f *Feed) Traffic(domain string) (Traffic, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.by[domain]
	return t, ok
}
