package demo

import (
	"time"

	"ferry.dev/ferry/internal/migrate"
)

// Summary is what a demo run proves, printed as a table or as JSON.
type Summary struct {
	// Result is "done" or "rolled-back".
	Result   string         `json:"result"`
	Requests int            `json:"requests"`
	Failed   int            `json:"failed"`
	PerSide  map[string]int `json:"perSide"`
	Stages   []StageSummary `json:"stages"`
	Reason   string         `json:"reason,omitempty"`
	// FailAt is the cluster weight at which the cluster was made to fail.
	FailAt int `json:"failAt,omitempty"`
	// FailStarted is when the cluster began failing; RolledBackAt is when
	// DNS was back at legacy 100%. DecisionSeconds is the time between.
	FailStarted     time.Time `json:"failStarted,omitzero"`
	DecidedAt       time.Time `json:"decidedAt,omitzero"`
	RolledBackAt    time.Time `json:"rolledBackAt,omitzero"`
	DecisionSeconds float64   `json:"decisionSeconds,omitempty"`
	// FailingProbes is how many gate probes the failing cluster answered
	// before the engine decided to roll back (DecidedAt).
	FailingProbes int `json:"failingProbes,omitempty"`
	// ProbesPerInterval is the batch each side gets per gate interval;
	// GateFailures the failing evaluations in a row that trigger a rollback.
	ProbesPerInterval int             `json:"probesPerInterval"`
	GateFailures      int             `json:"gateFailures"`
	ProbeInterval     float64         `json:"probeIntervalSeconds"`
	TTLSeconds        float64         `json:"ttlSeconds"`
	DurationSeconds   float64         `json:"durationSeconds"`
	Timeline          []migrate.Event `json:"timeline"`
	// LateFailures counts failed requests that used a DNS answer fetched
	// after the rollback, or kept an answer past its TTL: both should be 0.
	LateFailures int `json:"lateFailures"`
	// FailedRequests lists every failed client request.
	FailedRequests []Failure `json:"failedRequests,omitempty"`
}

// StageSummary counts the client requests sent while DNS was in one stage
// (one step of the shift counts as its own stage).
type StageSummary struct {
	Stage        string          `json:"stage"`
	Weights      migrate.Weights `json:"weights"`
	StartSeconds float64         `json:"startSeconds"`
	Seconds      float64         `json:"seconds"`
	Requests     int             `json:"requests"`
	Failed       int             `json:"failed"`
	PerSide      map[string]int  `json:"perSide"`
	// FailedPerSide are the failures by the side that answered.
	FailedPerSide map[string]int `json:"failedPerSide"`
	P50Ms         float64        `json:"p50Ms"`
	P99Ms         float64        `json:"p99Ms"`
}

// Failure is one failed client request.
type Failure struct {
	At         time.Time `json:"at"`
	ResolvedAt time.Time `json:"resolvedAt,omitzero"`
	Side       string    `json:"side"`
	Error      string    `json:"error"`
}
