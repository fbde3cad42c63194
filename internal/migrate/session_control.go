package migrate

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Delivery is what became of an operator's command.
type Delivery int

// Deliveries.
const (
	// Applied: the running executor applied it and saved its effect.
	Applied Delivery = iota
	// Queued: nothing runs the migration; the next run applies it.
	Queued
	// RunHere: nothing runs the migration and the command must act now
	// (rollback, abort, or resume of a migration that waits for the
	// operator): the caller opens a session and runs it.
	RunHere
)

// ControlOptions are what Control needs.
type ControlOptions struct {
	Domain   string
	Store    Store
	Commands CommandQueue
	// Running names the process running the migration, if any.
	Running func(domain string) (string, bool)
	// Wait bounds how long a running executor may take to apply the
	// command; default 10s.
	Wait time.Duration
}

// Control hands an operator's command to the migration of o.Domain: it
// queues it for the executor running it and waits until the executor has
// applied it, or says what must happen when none runs. A migration that
// ended refuses every command but rollback after an abort.
func Control(ctx context.Context, o ControlOptions, kind CommandKind) (Delivery, error) {
	if o.Wait == 0 {
		o.Wait = 10 * time.Second
	}
	s, err := o.Store.Load(ctx, o.Domain)
	if errors.Is(err, ErrNoState) {
		return 0, fmt.Errorf("no migration of %s has been started", o.Domain)
	}
	if err != nil {
		return 0, err
	}
	if ended(s, kind) {
		return 0, fmt.Errorf("the migration of %s has ended (%s); nothing to %s", o.Domain, s.Stage, kind)
	}
	name, err := o.Commands.Send(o.Domain, s.ID(), kind)
	if err != nil {
		return 0, err
	}
	if _, running := o.Running(o.Domain); running {
		return awaitApplied(ctx, o, s, name, kind)
	}
	return unattended(s, kind), nil
}

// ended reports whether s can take no command kind any more: every ended
// migration but an aborted one, which may still be rolled back.
func ended(s State, kind CommandKind) bool {
	return s.Stage.Terminal() && (s.Stage != StageAborted || kind != Rollback)
}

// unattended is what a command needs when no executor runs.
func unattended(s State, kind CommandKind) Delivery {
	if kind.backward() || kind == Resume && s.Alert != "" {
		return RunHere
	}
	return Queued
}

// awaitApplied waits until the running executor has applied the command
// name (removed it once its effect was saved).
func awaitApplied(ctx context.Context, o ControlOptions, s State, name string, kind CommandKind) (Delivery, error) {
	deadline := time.Now().Add(o.Wait)
	for o.Commands.Queued(o.Domain, name) {
		holder, running := o.Running(o.Domain)
		if !running {
			// The executor exited before reading it.
			now, err := o.Store.Load(ctx, o.Domain)
			if err == nil && ended(now, kind) {
				_ = o.Commands.ClearCommands(o.Domain)
				return 0, fmt.Errorf("%s not applied: the migration of %s ended (%s) first", kind, o.Domain, now.Stage)
			}
			return unattended(s, kind), nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("sent %s to the migration run by %s, but it has not applied it within %v; it stays queued", kind, holder, o.Wait)
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return Applied, nil
}
