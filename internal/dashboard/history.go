package dashboard

import "ferry.dev/ferry/internal/migrate"

// maxSamples bounds one migration's chart; when full, every other sample
// is dropped, so a migration of hours keeps its whole shape.
const maxSamples = 1200

// Sample is one point of a migration's chart: the weights DNS was set to
// and, with a traffic source, the cluster's share of the requests served
// since the previous sample.
type Sample struct {
	At      int64           `json:"t"` // Unix milliseconds
	Weights migrate.Weights `json:"w"`
	// Observed is the cluster's percent of Requests; nil without a
	// traffic source or without requests.
	Observed *float64 `json:"o"`
	Requests int      `json:"n"`
}

// series is one migration's samples and the totals the next delta is
// counted from.
type series struct {
	samples []Sample
	last    map[migrate.Side]int
}

// add appends a sample at t for v.
func (s *series) add(t int64, v MigrationView) Sample {
	smp := Sample{At: t, Weights: v.Weights}
	if v.Traffic != nil {
		now := v.Traffic.Requests
		dl, dc := now[migrate.Legacy]-s.last[migrate.Legacy], now[migrate.Cluster]-s.last[migrate.Cluster]
		if s.last != nil && dl >= 0 && dc >= 0 && dl+dc > 0 {
			share := 100 * float64(dc) / float64(dl+dc)
			smp.Observed, smp.Requests = &share, dl+dc
		}
		s.last = map[migrate.Side]int{migrate.Legacy: now[migrate.Legacy], migrate.Cluster: now[migrate.Cluster]}
	}
	if len(s.samples) >= maxSamples {
		kept := s.samples[:0]
		for i, x := range s.samples {
			if i%2 == 0 {
				kept = append(kept, x)
			}
		}
		s.samples = kept
	}
	s.samples = append(s.samples, smp)
	return smp
}
