package migrate

import (
	"time"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/gate"
)

// Input is something that happened: time passing, a measurement, an
// operator's command, or the outcome of an action.
type Input interface{ isInput() }

// Start begins the migration at Now. Record and PreviewRecord are the
// domain's and the preview domain's record sets as read just before (the
// adoption check): the first change to each is conditional on them.
type Start struct {
	Now           time.Time
	Record        Seen
	PreviewRecord Seen
}

// Restarted tells the engine its executor came back after a crash or stop;
// the engine answers with its pending actions so they are performed again,
// unless the provider refused them (State.Alert): those wait for Resume.
type Restarted struct{ Now time.Time }

// Tick is time passing; it carries the current time.
type Tick struct{ Now time.Time }

// GateResult is one evaluation of a side's gate window, made right after a
// batch of probes.
type GateResult struct {
	Side         Side
	N            int
	SuccessRatio float64
	P50, P99     time.Duration
	// Hard says every probe of the latest batch failed (connection
	// refused, timeouts, only errors): the side fails at once, without
	// waiting for the window to hold MinRequests measurements.
	Hard bool
	// At is when the evaluation was made; zero means the last tick.
	At time.Time
}

// Observed is a fresh read of a record set the migration owns (the domain
// or the preview domain, by Name), made while no change to it is in
// flight. A set that differs from what the migration last saw or wrote is
// drift: someone changed it by hand.
type Observed struct {
	Name   string
	Record Seen
	// At is when the read began: a read that began before the
	// migration's last change took effect shows the world before it.
	At time.Time
}

// LegacyTraffic is the rate legacy still serves, from the drain source, or
// Err when the source could not be read (the rate is then unknown).
type LegacyTraffic struct {
	Rate float64
	Err  string
}

// CommandKind is what an operator asks for.
type CommandKind string

// Operator commands.
const (
	Promote  CommandKind = "promote"
	Pause    CommandKind = "pause"
	Resume   CommandKind = "resume"
	Rollback CommandKind = "rollback"
	Abort    CommandKind = "abort"
)

// Command is an operator's request, applied at Now (zero means the last
// tick).
type Command struct {
	Kind CommandKind
	Now  time.Time
}

// forward reports whether k moves traffic on towards the cluster.
func (k CommandKind) forward() bool { return k == Promote || k == Resume }

// backward reports whether k ends the migration where an earlier forward
// command would have moved traffic on.
func (k CommandKind) backward() bool { return k == Rollback || k == Abort }

// ActionDone reports that the action with ID took effect. Mismatches is the
// number of differing answers found by a RunParity action.
type ActionDone struct {
	ID         int
	Now        time.Time // when it took effect; zero means the last tick
	Mismatches int
	Detail     string
	// Calls are the API calls a DNS change took, every attempt and retry
	// included; nil when the provider does not count them
	// (dns.CallCounter).
	Calls *dns.Calls
}

// ActionFailed reports that the action with ID could not be performed.
// Terminal says retrying the same call cannot help (the provider's error
// wraps dns.ErrTerminal: a refused token, a URL that is not the provider's
// API, a record the provider rejects); Fix then tells the operator what to
// check, e.g. "check migration.dns.tokenFile". Conflict, when set, says the
// change's precondition failed: the record set is not what the action
// expected but Conflict (dns.ErrConflict).
type ActionFailed struct {
	ID       int
	Err      string
	Terminal bool
	Fix      string
	Conflict *Seen
	// Now is when it failed; zero means the last tick.
	Now time.Time
}

// MetricResult is one evaluation of every metric check of a side.
type MetricResult struct {
	Side     Side
	Evidence []gate.Evidence
	// At is when the evaluation was made; zero means the last tick.
	At time.Time
}

func (MetricResult) isInput()  {}
func (Start) isInput()         {}
func (Restarted) isInput()     {}
func (Tick) isInput()          {}
func (GateResult) isInput()    {}
func (Observed) isInput()      {}
func (LegacyTraffic) isInput() {}
func (Command) isInput()       {}
func (ActionDone) isInput()    {}
func (ActionFailed) isInput()  {}
