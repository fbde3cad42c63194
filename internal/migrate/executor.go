package migrate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"ferry.dev/ferry/internal/dns"
)

// QueuedCommand is an operator command waiting for the executor; Ack
// removes it once its effect has been saved (or it has been dropped).
// Migration is the State.ID of the migration it was sent to: the executor
// drops a command meant for another one.
type QueuedCommand struct {
	Kind      CommandKind
	Migration string
	Ack       func() error
}

// CommandSource is where operators' commands come from (the store's
// command queue, or a channel in the demo).
type CommandSource interface {
	Pending(domain string) ([]QueuedCommand, error)
}

// Executor performs a migration: it feeds the engine ticks, probe results,
// traffic rates and commands, saves the state before every action, and
// performs the actions against the DNS provider.
type Executor struct {
	Provider dns.Provider
	Store    Store
	Commands CommandSource // optional
	Logger   *slog.Logger  // optional
	// Sensors measure both sides; nil means NewSensors(cfg) over HTTP.
	Sensors Sensors
	// TickEvery is how often time is fed to the engine; default 100ms.
	TickEvery time.Duration
	// Observe, when set, sees every new state (progress views, the demo).
	Observe func(State)
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Connect, when set, builds the provider again (re-reading its token
	// file) before a change the provider refused is tried again, so a
	// corrected token or server takes effect on resume without a restart.
	Connect func() (dns.Provider, error)
	// ObserveEvery is how often the records the migration owns are read
	// back to find hand edits between its own changes; default 2s.
	ObserveEvery time.Duration
	// Start is the domain's records as ReadDomain read them, for a new
	// migration.
	Start Start

	mu      sync.Mutex // guards Provider, which Connect replaces
	saved   []byte
	savedAt time.Time
	refused bool // the provider refused a change; Connect before the next
	// calls are the API calls of the attempts so far at each DNS action
	// not yet done, by action id.
	calls map[int]dns.Calls
}

// ErrNeedsOperator is returned by Run when the DNS provider refused a change
// in a way retrying cannot fix (dns.ErrTerminal). The state is saved with
// State.Alert saying what is wrong; resuming performs the change again.
var ErrNeedsOperator = errors.New("stopped until the operator acts")

// Sensors turn the world into engine inputs: gate results for both sides,
// the legacy traffic rate, and parity checks.
type Sensors interface {
	// Run sends GateResult and LegacyTraffic inputs until ctx ends.
	Run(ctx context.Context, out chan<- Input)
	// Parity compares both sides and returns the mismatches found.
	Parity(ctx context.Context) (mismatches int, detail string)
}

// ReadDomain reads the domain's and the preview domain's records from p
// and reports whether the domain's may be adopted. The Start it returns
// carries both as read, so the first change to each is conditional on
// them: a hand edit made after this check is found, never overwritten.
func ReadDomain(ctx context.Context, p dns.Provider, cfg Config) (Start, error) {
	var st Start
	rrtype, err := cfg.RecordType()
	if err != nil {
		return st, err
	}
	if st.Record, err = Read(ctx, p, cfg.Domain, rrtype); err != nil {
		return st, err
	}
	if cfg.PreviewDomain != "" {
		if st.PreviewRecord, err = Read(ctx, p, cfg.PreviewDomain, rrtype); err != nil {
			return st, err
		}
	}
	return st, CheckCurrent(cfg, st.Record.Set)
}

// Read returns the record set of name and type as Seen: absent when the
// provider says there is none.
func Read(ctx context.Context, p dns.Provider, name, rrtype string) (Seen, error) {
	rs, err := p.Get(ctx, dns.CanonicalName(name), rrtype)
	switch {
	case errors.Is(err, dns.ErrNotFound):
		return Seen{}, nil
	case err != nil:
		if cause, fix, ok := Refusal(err); ok {
			return Seen{}, fmt.Errorf("reading the record of %s: %s: %w — %s", name, cause, err, fix)
		}
		return Seen{}, fmt.Errorf("reading the record of %s: %w", name, err)
	}
	return SeenSet(rs), nil
}

// Run drives s until it reaches a terminal stage or ctx ends, or until the
// DNS provider refuses a change in a way retrying cannot fix: then the
// migration waits for its operator, and Run returns an error wrapping
// ErrNeedsOperator with State.Alert. A state in StagePending is started; any
// other is resumed, performing its pending actions again. It returns the
// last state, which has been saved.
func (e *Executor) Run(ctx context.Context, s State) (State, error) {
	if err := s.Config.Validate(); err != nil {
		return s, fmt.Errorf("migration settings: %w", err)
	}
	e.defaults()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	inputs := make(chan Input, 256)
	sensors := e.Sensors
	if sensors == nil {
		var err error
		if sensors, err = NewSensors(s.Config, e.Logger); err != nil {
			return s, err
		}
	}
	go sensors.Run(ctx, inputs)
	go e.observeLoop(ctx, s.Config, inputs)
	go rollbackHookLoop(ctx, s.Config, inputs)
	first := Input(Restarted{Now: e.Now()})
	if s.Stage == StagePending {
		st := e.Start
		if st.Now.IsZero() {
			st.Now = e.Now()
		}
		first = st
	}
	var err error
	if s.Stage != StagePending {
		// A rollback or abort queued while no executor ran comes before
		// the pending forward actions are performed again.
		s, err = e.commands(ctx, s, sensors, true)
	}
	if err == nil && !s.Stage.Terminal() {
		s, err = e.apply(ctx, s, first, sensors)
	}
	if err == nil && !s.Stage.Terminal() {
		// Commands queued while no executor ran come before anything else:
		// a migration waiting on a refused change acts only on them.
		s, err = e.commands(ctx, s, sensors, false)
	}
	ticker := time.NewTicker(e.TickEvery)
	defer ticker.Stop()
	for err == nil && !s.Stage.Terminal() && s.Alert == "" {
		select {
		case <-ctx.Done():
			return s, ctx.Err()
		case in := <-inputs:
			s, err = e.apply(ctx, s, in, sensors)
		case <-ticker.C:
			s, err = e.commands(ctx, s, sensors, false)
			if err == nil {
				s, err = e.apply(ctx, s, Tick{Now: e.Now()}, sensors)
			}
		}
	}
	if err == nil && s.Alert != "" {
		err = fmt.Errorf("%w: %s", ErrNeedsOperator, s.Alert)
	}
	return s, err
}

func (e *Executor) defaults() {
	if e.Logger == nil {
		e.Logger = slog.Default()
	}
	if e.TickEvery == 0 {
		e.TickEvery = 100 * time.Millisecond
	}
	if e.ObserveEvery == 0 {
		e.ObserveEvery = 2 * time.Second
	}
	if e.Now == nil {
		e.Now = time.Now
	}
}

// commands applies the queued commands meant for s (see Triage), or, when
// urgentOnly, does so only if a rollback or abort is among them.
func (e *Executor) commands(ctx context.Context, s State, sensors Sensors, urgentOnly bool) (State, error) {
	if e.Commands == nil {
		return s, nil
	}
	qs, err := e.Commands.Pending(s.Config.Domain)
	if err != nil {
		return s, err
	}
	keep, drop := Triage(s.ID(), qs)
	if urgentOnly && !slices.ContainsFunc(keep, func(q QueuedCommand) bool { return q.Kind.backward() }) {
		return s, nil
	}
	for _, d := range drop {
		e.Logger.Warn("dropping a queued command", "domain", s.Config.Domain, "command", string(d.Kind), "why", d.Why)
		if err := d.Ack(); err != nil {
			return s, err
		}
	}
	for _, q := range keep {
		e.Logger.Info("operator command received", "domain", s.Config.Domain, "command", string(q.Kind))
		if s, err = e.apply(ctx, s, Command{Kind: q.Kind, Now: e.Now()}, sensors); err != nil {
			return s, err
		}
		if err := q.Ack(); err != nil {
			return s, err
		}
	}
	return s, nil
}

// Dropped is a queued command not to apply, and why.
type Dropped struct {
	QueuedCommand
	Why string
}

// Triage splits the queue qs (oldest first) for the migration id into the
// commands to apply, in order, and those to drop: commands sent to another
// migration, and forward commands (promote, resume) queued before a
// rollback or abort, which would move traffic the operator then asked to
// move back. It is pure.
func Triage(id string, qs []QueuedCommand) (keep []QueuedCommand, drop []Dropped) {
	last := -1
	for i, q := range qs {
		if q.Migration == id && q.Kind.backward() {
			last = i
		}
	}
	for i, q := range qs {
		switch {
		case q.Migration != id:
			drop = append(drop, Dropped{q, "sent to another migration (" + q.Migration + ")"})
		case i < last && q.Kind.forward():
			drop = append(drop, Dropped{q, "a later " + string(qs[last].Kind) + " overrides it"})
		default:
			keep = append(keep, q)
		}
	}
	return keep, drop
}

// apply steps the engine with in, saves the new state if it changed, and
// then performs the actions, feeding their outcomes back in.
func (e *Executor) apply(ctx context.Context, s State, in Input, sensors Sensors) (State, error) {
	queue := []Input{in}
	for len(queue) > 0 {
		next, acts := Step(s, queue[0])
		queue = queue[1:]
		if err := e.save(ctx, next); err != nil {
			return s, err
		}
		s = next
		for _, a := range acts {
			switch a.Kind {
			case Log:
				e.logDecision(s, a)
			case Finish:
			default:
				queue = append(queue, e.perform(ctx, s, a, sensors))
			}
		}
		if e.Observe != nil {
			e.Observe(s)
		}
	}
	return s, nil
}

// statusEvery is how often the state is saved for "ferry migrate status"
// when only gate numbers changed.
const statusEvery = 5 * time.Second

// save writes s when something durable changed since the last save, and
// every statusEvery for the gate numbers status shows (ticks and gate
// numbers alone are not worth an fsync each).
func (e *Executor) save(ctx context.Context, s State) error {
	d := s
	d.Now, d.Health, d.Metrics, d.LegacyRate = time.Time{}, nil, nil, 0
	data, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encoding state: %w", err)
	}
	now := e.Now()
	if bytes.Equal(data, e.saved) && now.Sub(e.savedAt) < statusEvery {
		return nil
	}
	if err := e.Store.Save(ctx, s); err != nil {
		return fmt.Errorf("saving state before acting: %w", err)
	}
	e.saved, e.savedAt = data, now
	return nil
}

func (e *Executor) logDecision(s State, a Action) {
	attrs := []any{"domain", s.Config.Domain}
	for k, v := range a.Fields {
		attrs = append(attrs, k, v)
	}
	e.Logger.Info(a.Message, attrs...)
}
