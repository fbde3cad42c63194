package migrate

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/migrate"
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

// control hands kind to the running start, or carries out a rollback or
// abort itself when none runs.
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
	if h, ok := su.store.Holder(su.cfg.Domain); ok {
		if err := su.store.Send(su.cfg.Domain, kind); err != nil {
			return clio.Failed(err)
		}
		fmt.Fprintf(o.streams.ErrOut, "sent %s to the migration run by %s\n", kind, h)
		return nil
	}
	// A migration stopped on a refused DNS change is resumed here: that is
	// what its alert tells the operator to run.
	if kind == migrate.Rollback || kind == migrate.Abort || kind == migrate.Resume && s.Alert != "" {
		fmt.Fprintf(o.streams.ErrOut, "no `ferry migrate start` is running; carrying out %s here\n", kind)
		return o.start(cmd.Context(), service, &kind)
	}
	if err := su.store.Send(su.cfg.Domain, kind); err != nil {
		return clio.Failed(err)
	}
	fmt.Fprintf(o.streams.ErrOut, "queued %s: no `ferry migrate start %s` is running; it takes effect when start resumes\n", kind, service)
	return nil
}
