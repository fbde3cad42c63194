package migrate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/store"
)

var controlHelp = map[migrate.CommandKind]string{
	migrate.Promote:  "Move to the next step now (manual promotion, or skip the rest of a hold)",
	migrate.Pause:    "Stop moving weight (a failing cluster still rolls back)",
	migrate.Resume:   "Continue a paused migration (and retry a DNS change the provider refused)",
	migrate.Rollback: "Put legacy back to 100% and end the migration",
	migrate.Abort:    "End the migration and leave DNS exactly as it is",
}

func (o *options) controlCommand(kind migrate.CommandKind) *cobra.Command {
	return &cobra.Command{
		Use:     string(kind) + " SERVICE",
		Short:   controlHelp[kind],
		Example: fmt.Sprintf("  ferry migrate %s api", kind),
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.control(cmd, args[0], kind)
		},
	}
}

// ackWait is how long a control command waits for the running start to
// apply it.
const ackWait = 10 * time.Second

// control hands kind to the running start and waits for it to be applied,
// or carries out a rollback or abort itself when none runs.
func (o *options) control(cmd *cobra.Command, service string, kind migrate.CommandKind) error {
	su, err := o.setup(service)
	if err != nil {
		return err
	}
	s, err := su.store.Load(cmd.Context(), su.cfg.Domain)
	if errors.Is(err, migrate.ErrNoState) {
		return clio.Failed(fmt.Errorf("no migration of %s has been started", su.cfg.Domain))
	}
	if err != nil {
		return clio.Failed(err)
	}
	if s.Stage.Terminal() {
		return clio.Failed(fmt.Errorf("the migration of %s has ended (%s); nothing to %s", su.cfg.Domain, s.Stage, kind))
	}
	name, err := su.store.Send(su.cfg.Domain, s.ID(), kind)
	if err != nil {
		return clio.Failed(err)
	}
	if h, ok := su.store.Holder(su.cfg.Domain); ok {
		return o.awaitApplied(cmd.Context(), su, service, name, kind, h)
	}
	return o.unattended(cmd.Context(), su, service, kind)
}

// unattended handles a queued command when no start runs. A migration
// stopped on a refused DNS change is resumed here: that is what its alert
// tells the operator to run.
func (o *options) unattended(ctx context.Context, su *setup, service string, kind migrate.CommandKind) error {
	s, err := su.store.Load(ctx, su.cfg.Domain)
	if err != nil {
		return clio.Failed(err)
	}
	if kind == migrate.Rollback || kind == migrate.Abort || kind == migrate.Resume && s.Alert != "" {
		fmt.Fprintf(o.streams.ErrOut, "no `ferry migrate start` is running; carrying out %s here\n", kind)
		return o.start(ctx, service)
	}
	fmt.Fprintf(o.streams.ErrOut, "queued %s: no migration is running; `ferry migrate start %s` applies it when it resumes\n", kind, service)
	return nil
}

// awaitApplied waits until the running start has applied the command
// name (removed it once its effect was saved), and says what happened.
func (o *options) awaitApplied(ctx context.Context, su *setup, service, name string, kind migrate.CommandKind, h store.Holder) error {
	deadline := time.Now().Add(ackWait)
	for su.store.Queued(su.cfg.Domain, name) {
		if _, running := su.store.Holder(su.cfg.Domain); !running {
			// The start exited before reading it.
			s, err := su.store.Load(ctx, su.cfg.Domain)
			if err == nil && s.Stage.Terminal() {
				_ = su.store.ClearCommands(su.cfg.Domain)
				return clio.Failed(fmt.Errorf("%s not applied: the migration of %s ended (%s) first", kind, su.cfg.Domain, s.Stage))
			}
			return o.unattended(ctx, su, service, kind)
		}
		if time.Now().After(deadline) {
			return clio.Failed(fmt.Errorf("sent %s to the migration run by %s, but it has not applied it within %v; it stays queued", kind, h, ackWait))
		}
		select {
		case <-ctx.Done():
			return clio.Failed(ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	fmt.Fprintf(o.streams.ErrOut, "applied %s: the migration run by %s has saved it\n", kind, h)
	return nil
}
