package dashboard

import (
	"fmt"
	"time"

	"ferry.dev/ferry/internal/gate"
	"ferry.dev/ferry/internal/migrate"
)

// Snapshot is everything the page shows, as the API and the stream send it.
type Snapshot struct {
	At         time.Time       `json:"at"`
	Sources    []SourceView    `json:"sources"`
	Migrations []MigrationView `json:"migrations"`
	// DeploySources and Releases are absent when no deploy source is
	// configured.
	DeploySources []SourceView `json:"deploySources,omitempty"`
	Releases      []Release    `json:"releases,omitempty"`
	// Absent names what the dashboard cannot show yet, and why.
	Absent []string `json:"absent"`
}

// SourceView is one source and whether it could be read.
type SourceView struct {
	Name  string `json:"name"`
	Error string `json:"error,omitempty"`
}

// MigrationView is one migration as the page shows it. Durations are in
// milliseconds, times in RFC 3339.
type MigrationView struct {
	Key       string `json:"key"` // "<source index>/<domain>", unique on the page
	Source    int    `json:"source"`
	Service   string `json:"service"`
	Domain    string `json:"domain"`
	Legacy    string `json:"legacy"`
	Cluster   string `json:"cluster"`
	Stage     string `json:"stage"`
	Terminal  bool   `json:"terminal"`
	Step      int    `json:"step"` // 1-based; 0 before the first
	Steps     []int  `json:"steps"`
	Promotion string `json:"promotion"`

	Weights migrate.Weights `json:"weights"`
	Target  migrate.Weights `json:"target"`
	Started time.Time       `json:"started"`
	Since   time.Time       `json:"since"`
	HoldMs  float64         `json:"holdMs"`

	Paused             bool   `json:"paused"`
	AwaitingPromotion  bool   `json:"awaitingPromotion"`
	PromotionRequested bool   `json:"promotionRequested"`
	Pending            string `json:"pending,omitempty"`
	Alert              string `json:"alert,omitempty"`
	LegacyAlert        string `json:"legacyAlert,omitempty"`
	Drift              string `json:"drift,omitempty"`
	Retrying           string `json:"retrying,omitempty"`
	TrafficError       string `json:"trafficError,omitempty"`
	Reason             string `json:"reason,omitempty"`
	Parity             string `json:"parity"`
	RunningBy          string `json:"runningBy,omitempty"`

	Gates    GatesView                      `json:"gates"`
	Health   map[migrate.Side]SideView      `json:"health"`
	Metrics  []MetricView                   `json:"metrics"`
	Allowed  map[migrate.CommandKind]string `json:"allowed"`
	Commands []migrate.CommandKind          `json:"commands"`
	Timeline []migrate.Event                `json:"timeline"`
	Traffic  *Traffic                       `json:"traffic,omitempty"`
}

// GatesView are the thresholds each side is judged against.
type GatesView struct {
	SuccessRatio float64  `json:"successRatio"`
	P99Ms        float64  `json:"p99Ms"`
	MinRequests  int      `json:"minRequests"`
	Failures     int      `json:"failures"`
	IntervalMs   float64  `json:"intervalMs"`
	WindowMs     float64  `json:"windowMs"`
	Paths        []string `json:"paths"`
}

// MetricView is one metric check's latest evaluation on one side: the
// query, the value against its threshold, the verdict, where it came from,
// and how many evaluations of this check in a row have failed.
type MetricView struct {
	gate.Evidence
	Failing int  `json:"failing"`
	Idle    bool `json:"idle,omitempty"` // the side carried no traffic: not judged
}

// SideView is one side's latest gate figures and verdict.
type SideView struct {
	Status       migrate.GateStatus `json:"status"`
	N            int                `json:"n"`
	SuccessRatio float64            `json:"successRatio"`
	P50Ms        float64            `json:"p50Ms"`
	P99Ms        float64            `json:"p99Ms"`
	Failing      int                `json:"failing"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// view turns one source's migration into what the page shows.
func view(source int, m Migration, traffic TrafficSource) MigrationView {
	s := m.State
	c := s.Config
	v := MigrationView{
		Key: fmt.Sprintf("%d/%s", source, c.Domain), Source: source,
		Service: c.Service, Domain: c.Domain, Legacy: c.Legacy, Cluster: c.Cluster,
		Stage: string(s.Stage), Terminal: s.Stage.Terminal(), Step: s.Step + 1, Steps: c.Steps,
		Promotion: string(c.Promotion), Weights: s.Weights, Target: s.Target,
		Started: s.Started, Since: s.Since, HoldMs: ms(c.Hold),
		Paused: s.Paused, AwaitingPromotion: s.AwaitingPromotion, PromotionRequested: s.PromotionRequested,
		Alert: s.Alert, LegacyAlert: s.LegacyAlert, TrafficError: s.TrafficError, Reason: s.Reason,
		Parity: s.Parity.String(), RunningBy: m.RunningBy,
		Gates: GatesView{
			SuccessRatio: c.Gates.SuccessRatio, P99Ms: ms(c.Gates.P99Latency), MinRequests: c.Gates.MinRequests,
			Failures: c.Gates.Failures, IntervalMs: ms(c.Gates.Interval), WindowMs: ms(c.Gates.Window), Paths: c.Gates.Paths,
		},
		Health:   map[migrate.Side]SideView{},
		Allowed:  migrate.Allowed(s),
		Commands: migrate.Commands(),
		Timeline: s.Timeline,
	}
	if len(s.Pending) > 0 {
		v.Pending = fmt.Sprintf("%s %s", s.Pending[0].Kind, s.Pending[0].Weights)
	}
	if s.Drift != nil {
		v.Drift = fmt.Sprintf("%s was changed outside the migration: it was %s, it is now %s", s.Drift.Name, s.Drift.Want, s.Drift.Found)
	}
	if r := s.Retrying; r != nil {
		v.Retrying = fmt.Sprintf("%s %s: %d attempts since %s; last error: %s", r.Action, s.Target, r.Attempts, r.Since.UTC().Format(time.TimeOnly), r.LastError)
	}
	for side, h := range s.Health {
		v.Health[side] = SideView{Status: h.Status, N: h.N, SuccessRatio: h.SuccessRatio, P50Ms: ms(h.P50), P99Ms: ms(h.P99), Failing: h.Failing}
	}
	v.Metrics = metricViews(s)
	if traffic != nil {
		if t, ok := traffic.Traffic(c.Domain); ok {
			v.Traffic = &t
		}
	}
	return v
}

// metricViews are both sides' latest metric evaluations, cluster first.
func metricViews(s migrate.State) []MetricView {
	out := []MetricView{}
	for _, side := range []migrate.Side{migrate.Cluster, migrate.Legacy} {
		h, ok := s.Metrics[side]
		if !ok {
			continue
		}
		for _, e := range h.Evidence {
			out = append(out, MetricView{Evidence: e, Failing: h.CheckFailing[e.Check], Idle: h.Idle})
		}
	}
	return out
}
