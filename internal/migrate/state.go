package migrate

import (
	"fmt"
	"time"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/gate"
)

// Stage is where a migration is.
type Stage string

// Stages, in the order a healthy migration passes them.
const (
	StagePending     Stage = "pending"
	StagePreview     Stage = "preview"
	StageShift       Stage = "shift"
	StageCutover     Stage = "cutover"
	StageDrain       Stage = "drain"
	StageDone        Stage = "done"
	StageRollingBack Stage = "rolling-back"
	StageRolledBack  Stage = "rolled-back"
	StageAborted     Stage = "aborted"
)

// Terminal reports whether nothing more will happen in stage s.
func (s Stage) Terminal() bool {
	return s == StageDone || s == StageRolledBack || s == StageAborted
}

// Side is one of the two places traffic can go.
type Side string

// The two sides.
const (
	Legacy  Side = "legacy"
	Cluster Side = "cluster"
)

// Weights are the DNS weights of the two sides, in percent.
type Weights struct {
	Legacy  int `json:"legacy"`
	Cluster int `json:"cluster"`
}

// String is the weights as "legacy:L,cluster:C", as logs and plans show them.
func (w Weights) String() string { return fmt.Sprintf("legacy:%d,cluster:%d", w.Legacy, w.Cluster) }

// GateStatus is the verdict on one side's latest measurement.
type GateStatus string

// Gate verdicts. Unknown means too few requests to judge; Inconclusive
// is a metric gate without an answer (no data, NaN, an error): it never
// passes.
const (
	GateUnknown      GateStatus = "unknown"
	GatePass         GateStatus = "pass"
	GateFail         GateStatus = "fail"
	GateInconclusive GateStatus = "inconclusive"
)

// SideHealth is the latest gate measurement of one side and its verdict.
type SideHealth struct {
	N            int           `json:"n"`
	SuccessRatio float64       `json:"successRatio"`
	P50          time.Duration `json:"p50"`
	P99          time.Duration `json:"p99"`
	Status       GateStatus    `json:"status"`
	// Failing counts evaluations in a row whose window failed.
	Failing int `json:"failing"`
}

// Seen is a record set as the migration last read or wrote it; Exists is
// false when there was none. Every change is conditional on it.
type Seen struct {
	Exists bool           `json:"exists"`
	Set    *dns.RecordSet `json:"set,omitempty"`
}

// SeenSet is Seen for a record set that exists.
func SeenSet(rs dns.RecordSet) Seen { return Seen{Exists: true, Set: &rs} }

// Equal reports whether s and o are the same record set (or both absent).
func (s Seen) Equal(o Seen) bool {
	if !s.Exists || !o.Exists {
		return s.Exists == o.Exists
	}
	return s.Set.Equal(*o.Set)
}

// String describes the set for an operator.
func (s Seen) String() string {
	if !s.Exists {
		return "no record"
	}
	return Describe(*s.Set)
}

// Drift is a record set found changed outside the migration.
type Drift struct {
	Name string `json:"name"`
	// Want is what the migration last saw or wrote; Found is what is there.
	Want  Seen       `json:"want"`
	Found Seen       `json:"found"`
	At    time.Time  `json:"at"`
	While ActionKind `json:"while,omitempty"` // the change it stopped, if any
}

// Retrying is a DNS change that keeps failing transiently, for status.
type Retrying struct {
	Action    ActionKind `json:"action"`
	Attempts  int        `json:"attempts"`
	Since     time.Time  `json:"since"`
	LastError string     `json:"lastError"`
}

// EventKind says what a timeline entry records.
type EventKind string

// Event kinds.
const (
	EventStage   EventKind = "stage"   // the migration entered a stage
	EventStep    EventKind = "step"    // a DNS change or a parity check took effect
	EventCommand EventKind = "command" // an operator's command was applied
	EventResumed EventKind = "resumed" // an executor took the migration up again
	EventFailure EventKind = "failure" // a gate or a DNS change failed; ferry acted
	EventAlert   EventKind = "alert"   // legacy's gate failed, or passes again
	EventDrift   EventKind = "drift"   // a record was changed outside the migration
)

// ParityResult is the outcome of the preview's comparison of both sides.
type ParityResult struct {
	Checked    bool   `json:"checked"`
	Mismatches int    `json:"mismatches"`
	Detail     string `json:"detail,omitempty"`
}

// OK reports a comparison that found both sides answering alike.
func (p ParityResult) OK() bool { return p.Checked && p.Mismatches == 0 }

// String is "ok", "not checked" or "N mismatch(es): detail".
func (p ParityResult) String() string {
	switch {
	case !p.Checked:
		return "not checked"
	case p.Mismatches == 0:
		return "ok"
	}
	return fmt.Sprintf("%d mismatch(es): %s", p.Mismatches, p.Detail)
}

// Event is one line of a migration's timeline.
type Event struct {
	At      time.Time `json:"at"`
	Kind    EventKind `json:"kind"`
	Stage   Stage     `json:"stage"`
	Step    int       `json:"step"`
	Weights Weights   `json:"weights"`
	Message string    `json:"message"`
	// Evidence are the metric evaluations behind the decision (or, for
	// an event no metric caused, the latest ones of both sides).
	Evidence []gate.Evidence `json:"evidence,omitempty"`
}

// ChangeCalls are the API calls one DNS change took, every attempt and
// retry included (dns.CallCounter), for status and logs.
type ChangeCalls struct {
	At      time.Time  `json:"at"`
	Action  ActionKind `json:"action"`
	Name    string     `json:"name"`
	Weights Weights    `json:"weights"`
	Calls   dns.Calls  `json:"calls"`
}

// State is everything the engine knows about one migration. It is a plain
// value: the engine returns a new one from every Step, and the executor
// persists it (as JSON) before performing the actions that came with it.
type State struct {
	Config  Config  `json:"config"`
	Stage   Stage   `json:"stage"`
	Step    int     `json:"step"` // index into Config.Steps; -1 before the first
	Weights Weights `json:"weights"`
	// Target are the weights the engine has asked for; they equal Weights
	// once the DNS change is confirmed.
	Target  Weights   `json:"target"`
	Paused  bool      `json:"paused"`
	Started time.Time `json:"started"`
	Now     time.Time `json:"now"`
	// Since is when the current stage or step took effect; holds and
	// drains count from it.
	Since      time.Time `json:"since"`
	QuietSince time.Time `json:"quietSince,omitempty"`
	LegacyRate float64   `json:"legacyRate"`
	// TrafficError is why the drain's legacy traffic source could not be
	// read last time; the drain does not end while it is set.
	TrafficError string       `json:"trafficError,omitempty"`
	Parity       ParityResult `json:"parity"`
	// AwaitingPromotion is set when a step's hold has passed and manual
	// promotion waits for the operator.
	AwaitingPromotion bool `json:"awaitingPromotion"`
	// PromotionRequested is set while an operator's promote waits for a
	// cluster gate verdict (after a restart, fresh probes come first).
	PromotionRequested bool                `json:"promotionRequested,omitempty"`
	Health             map[Side]SideHealth `json:"health"`
	// Metrics are each side's latest metric gate evaluation.
	Metrics map[Side]MetricHealth `json:"metrics,omitempty"`
	// Record and PreviewRecord are the domain's and the preview domain's
	// record sets as the migration last read or wrote them.
	Record        Seen `json:"record"`
	PreviewRecord Seen `json:"previewRecord"`
	// Adopted is set once the domain's record has been (or is being)
	// replaced by the weighted set: a rollback then has a record to restore.
	Adopted bool `json:"adopted,omitempty"`
	// Changed is when the migration's last DNS change took effect.
	Changed time.Time `json:"changed,omitempty"`
	// Unconfirmed are changes abandoned in flight (a rollback overtook
	// them): they may have landed, and finding one is not drift.
	Unconfirmed []dns.RecordSet `json:"unconfirmed,omitempty"`
	Pending     []Action        `json:"pending"`
	NextID      int             `json:"nextID"`
	// Retrying is set while a pending change fails transiently.
	Retrying *Retrying `json:"retrying,omitempty"`
	RetryAt  time.Time `json:"retryAt,omitempty"`
	// Alert is set while the migration waits for the operator: the
	// provider refused a change, kept failing past dns.retryFor, a record
	// drifted, or both sides fail. It says what is wrong and what to do.
	// Nothing is retried on ticks; Resume (or Rollback, or Abort) acts.
	Alert string `json:"alert,omitempty"`
	// Drift is the record change found outside the migration, until the
	// operator resumes or rolls back.
	Drift *Drift `json:"drift,omitempty"`
	// LegacyAlert is set while legacy fails its gate: ferry does not roll
	// back onto it on its own.
	LegacyAlert string `json:"legacyAlert,omitempty"`
	// Calls are the DNS provider's API calls of each change the migration
	// made, oldest first; empty for a provider that does not count them.
	Calls []ChangeCalls `json:"dnsCalls,omitempty"`
	// Hooks is where the step webhooks stand.
	Hooks    HookState `json:"hooks,omitzero"`
	Reason   string    `json:"reason,omitempty"`
	Timeline []Event   `json:"timeline"`
}

// ID names this migration among all migrations of its domain: its start
// time. Operator commands carry it, so a command sent to one migration is
// never applied to a later one. It is empty before Start.
func (s State) ID() string {
	if s.Started.IsZero() {
		return ""
	}
	return s.Started.UTC().Format(time.RFC3339Nano)
}

// NewState is a migration of cfg that has not started. cfg must be valid.
func NewState(cfg Config) State {
	return State{
		Config: cfg, Stage: StagePending, Step: -1,
		Weights: Weights{Legacy: 100}, Target: Weights{Legacy: 100},
		Health: map[Side]SideHealth{},
	}
}

// ActionKind names something the engine wants done in the world.
type ActionKind string

// Action kinds. Every one is idempotent: performing it twice has the effect
// of performing it once, which is what makes crash recovery exact.
const (
	// PointPreview points the preview domain at the cluster.
	PointPreview ActionKind = "point-preview"
	// RunParity sends the same requests to both sides and compares them.
	RunParity ActionKind = "run-parity"
	// AdoptRecord replaces the domain's plain record with the weighted
	// set legacy/cluster at Weights (legacy 100%).
	AdoptRecord ActionKind = "adopt-record"
	// SetWeights writes Weights into the weighted set.
	SetWeights ActionKind = "set-weights"
	// RemoveLegacy leaves only the cluster in the domain's record set.
	RemoveLegacy ActionKind = "remove-legacy"
	// RestoreLegacy makes legacy the domain's whole answer again.
	RestoreLegacy ActionKind = "restore-legacy"
	// CallHooks calls every webhook of type Hook with the migration's
	// state; it is done when all answer 2xx, failed otherwise.
	CallHooks ActionKind = "call-hooks"
	// Log records a decision and the numbers behind it; it needs no reply.
	Log ActionKind = "log"
	// Finish releases the migration's lock; it needs no reply.
	Finish ActionKind = "finish"
)

// Action is one thing the engine asks the executor to do. Every kind but
// Log and Finish is answered with ActionDone or ActionFailed carrying ID.
// A DNS change carries the record set to write (Set) and the condition it
// is written on (Expect): the executor performs it as given.
type Action struct {
	ID      int               `json:"id"`
	Kind    ActionKind        `json:"kind"`
	Weights Weights           `json:"weights"`
	Set     *dns.RecordSet    `json:"set,omitempty"`
	Expect  *Seen             `json:"expect,omitempty"`
	Hook    string            `json:"hook,omitempty"` // CallHooks: the webhook type
	Message string            `json:"message,omitempty"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// NeedsReply reports whether the engine waits for this action's outcome.
func (a Action) NeedsReply() bool { return a.Kind != Log && a.Kind != Finish }
