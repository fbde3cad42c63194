package migrate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/lease"
)

// ErrLeaseLost means another ferry took over the domain's ownership lease
// while this one ran (after it expired unrenewed, or by force): this one
// stops at once, leaving the state saved.
var ErrLeaseLost = errors.New("the ownership lease of the domain was taken over")

// CommandQueue is where operators' commands wait for the executor.
type CommandQueue interface {
	CommandSource
	// Send queues kind for the migration of domain whose State.ID is
	// migration and returns its name, for Queued.
	Send(domain, migration string, kind CommandKind) (string, error)
	// Queued reports whether the command name still waits.
	Queued(domain, name string) bool
	// ClearCommands drops every queued command of domain.
	ClearCommands(domain string) error
}

// SessionOptions are what one process needs to run one domain's migration.
type SessionOptions struct {
	Config   Config
	Store    Store
	Commands CommandQueue
	Provider dns.Provider
	// Connect builds the provider again after it refused a change (a
	// corrected token takes effect on resume); optional.
	Connect func() (dns.Provider, error)
	// Lock takes the state store's local lock for domain; it returns the
	// function that releases it, or an error naming the holder.
	Lock func(domain string) (unlock func() error, err error)
	// Holder names this process in the ownership lease ("host pid 42:
	// ferry migrate start api").
	Holder string
	// Force takes the ownership lease over even while another holder's
	// is unexpired.
	Force   bool
	Logger  *slog.Logger
	Observe func(State)
	Sensors Sensors // nil: HTTP probes of both sides
	Now     func() time.Time
}

// Session is one domain's migration held by this process: the state
// store's local lock (for the state file), the ownership lease stored with
// the DNS data (for the domain, wherever else ferry runs), and the state to
// run. Open it, Run it, Close it.
type Session struct {
	o       SessionOptions
	state   State
	start   Start
	resumed bool
	unlock  func() error
	held    *lease.Held
}

// OpenSession takes the local lock, loads the migration to resume or makes
// a new one, and takes the domain's ownership lease. A new migration is
// started only when the domain's record may be adopted (CheckCurrent); its
// queued commands, sent to an earlier migration, are dropped. Errors: the
// lock or the lease held by another (naming it, errors.As *lease.HeldError),
// a record that may not be adopted (ErrForeignRecord), the provider's.
func OpenSession(ctx context.Context, o SessionOptions) (*Session, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	unlock, err := o.Lock(o.Config.Domain)
	if err != nil {
		return nil, err
	}
	s := &Session{o: o, unlock: unlock}
	if err := s.open(ctx); err != nil {
		_ = unlock()
		return nil, err
	}
	return s, nil
}

func (s *Session) open(ctx context.Context) error {
	st, err := s.o.Store.Load(ctx, s.o.Config.Domain)
	switch {
	case err == nil && (!st.Stage.Terminal() || st.Stage == StageAborted && s.rollbackQueued(st)):
		s.state, s.resumed = st, true
	case err != nil && !errors.Is(err, ErrNoState):
		return err
	default:
		s.state = NewState(s.o.Config)
		s.start.Now = s.o.Now()
	}
	if err := s.acquire(ctx); err != nil {
		return err
	}
	if s.resumed {
		return nil
	}
	start, err := ReadDomain(ctx, s.o.Provider, s.o.Config)
	if err != nil {
		_ = s.held.Release(ctx)
		return err
	}
	s.start.Record, s.start.PreviewRecord = start.Record, start.PreviewRecord
	// Commands still queued were sent to an earlier migration.
	return s.o.Commands.ClearCommands(s.o.Config.Domain)
}

// rollbackQueued reports whether a rollback waits for the aborted
// migration st: it is taken up again to carry it out.
func (s *Session) rollbackQueued(st State) bool {
	qs, err := s.o.Commands.Pending(st.Config.Domain)
	if err != nil {
		return false
	}
	keep, _ := Triage(st.ID(), qs)
	for _, q := range keep {
		if q.Kind == Rollback {
			return true
		}
	}
	return false
}

// id is the migration's identity: its start time, as State.ID.
func (s *Session) id() string {
	if s.resumed {
		return s.state.ID()
	}
	return s.start.Now.UTC().Format(time.RFC3339Nano)
}

func (s *Session) acquire(ctx context.Context) error {
	now := s.o.Now()
	want := lease.Lease{Holder: s.o.Holder, ID: s.id(), Expires: now.Add(s.state.Config.Lease)}
	held, err := lease.Acquire(ctx, s.o.Provider, s.o.Config.Domain, want, s.o.Force, now)
	if err != nil {
		return fmt.Errorf("taking the ownership lease of %s: %w", s.o.Config.Domain, err)
	}
	s.held = held
	return nil
}

// State is the migration as opened: resumed, or new and not yet started.
func (s *Session) State() State { return s.state }

// Resumed reports whether the session took up a saved migration.
func (s *Session) Resumed() bool { return s.resumed }

// Close releases the local lock. The ownership lease is released by Run
// when the migration ends; a stopped one keeps it until it expires, so a
// resume from elsewhere waits for it and nobody starts over it meanwhile.
func (s *Session) Close() error { return s.unlock() }
