package incluster

import (
	"context"
	"fmt"
	"slices"
	"time"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/controller/migstore"
	"ferry.dev/ferry/internal/migrate"
)

// Commanded is what became of an operator's command.
type Commanded struct {
	// Holder is the controller replica that applied it.
	Holder string
	// Started: no runner held the migration (it waited for the operator,
	// or an abort waited for a rollback); the controller started one for
	// the command.
	Started bool
}

// Command hands kind to the Migration name through spec.commands, with
// migrate.Control over the object (the same protocol as a local run:
// refused once the migration ended, written with optimistic concurrency,
// acknowledged in status.acknowledged), and waits up to Observe for the
// controller to apply it. The Migration must migrate domain. Errors: no
// such Migration (ErrNotFound), a migration the controller does not own
// (*NotOwnedError), no controller acknowledging it (ErrNoController; the
// command stays queued), and Control's own.
func (c *Client) Command(ctx context.Context, name, domain string, kind migrate.CommandKind) (Commanded, error) {
	m, err := c.Migration(ctx, name)
	if err != nil {
		return Commanded{}, err
	}
	if m.Spec.Domain != domain {
		return Commanded{}, &NotOwnedError{Migration: Key(m).String(), Why: fmt.Sprintf("it migrates %s, not %s", m.Spec.Domain, domain)}
	}
	if err := notOwned(m); err != nil {
		return Commanded{}, err
	}
	before := Runner(m)
	store := &migstore.Store{Client: c.C, Key: Key(m)}
	// The controller always answers for the object: Control waits for the
	// acknowledgement whether a runner holds it now or starts for it.
	running := func(string) (string, bool) { return before, true }
	_, err = migrate.Control(ctx, migrate.ControlOptions{
		Domain: domain, Store: store, Commands: store, Running: running, Wait: c.observe(),
	}, kind)
	if err != nil {
		return Commanded{}, c.commandFailed(ctx, name, kind, err)
	}
	after, err := c.Migration(ctx, name)
	if err != nil {
		return Commanded{}, err
	}
	return Commanded{Holder: after.Status.Holder, Started: before == ""}, nil
}

// commandFailed tells a command no controller took from Control's other
// errors: a Migration nothing has run yet, or a command still waiting
// with no runner holding the migration.
func (c *Client) commandFailed(ctx context.Context, name string, kind migrate.CommandKind, err error) error {
	if ctx.Err() != nil {
		return err
	}
	m, gerr := c.Migration(ctx, name)
	if gerr != nil {
		return err
	}
	if e := notOwned(m); e != nil {
		return e
	}
	_, hasState, _ := State(m)
	switch {
	case !hasState && len(m.Status.Conditions) == 0:
		return fmt.Errorf("Migration %s: %w yet (no state in status)", Key(m), ErrNoController)
	case hasState && unacknowledged(m) && Runner(m) == "":
		return fmt.Errorf("Migration %s: %w: %s is not acknowledged after %v and stays queued in spec.commands",
			Key(m), ErrNoController, kind, c.observe().Round(time.Millisecond))
	}
	return err
}

// unacknowledged reports whether a command in m's spec waits.
func unacknowledged(m *v1alpha1.MigrationResource) bool {
	return slices.ContainsFunc(m.Spec.Commands, func(c v1alpha1.MigrationCommand) bool {
		return !slices.Contains(m.Status.Acknowledged, c.Name)
	})
}
