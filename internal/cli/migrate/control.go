package migrate

import (
	"fmt"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/migrate"
)

var controlHelp = map[migrate.CommandKind]string{
	migrate.Promote:  "Move to the next step now (manual promotion, or skip the rest of a hold)",
	migrate.Pause:    "Stop moving weight (a failing cluster still rolls back)",
	migrate.Resume:   "Continue a paused migration (and retry a DNS change that waits for the operator)",
	migrate.Rollback: "Put legacy back to 100% and end the migration (also after an abort)",
	migrate.Abort:    "End the migration and leave DNS exactly as it is, unwatched",
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

// control hands kind to the running start and waits for it to be applied,
// or carries out a rollback, an abort or a waiting resume itself when none
// runs.
func (o *options) control(cmd *cobra.Command, service string, kind migrate.CommandKind) error {
	su, err := o.setup(cmd, service)
	if err != nil {
		return err
	}
	if su.inCluster {
		return o.controlInCluster(cmd.Context(), su, service, kind)
	}
	running := func(domain string) (string, bool) {
		h, ok := su.store.Holder(domain)
		return h.String(), ok
	}
	d, err := migrate.Control(cmd.Context(), migrate.ControlOptions{
		Domain: su.cfg.Domain, Store: su.store, Commands: su.store, Running: running,
	}, kind)
	if err != nil {
		return clio.Failed(err)
	}
	switch d {
	case migrate.Applied:
		h, _ := running(su.cfg.Domain)
		fmt.Fprintf(o.streams.ErrOut, "applied %s: the migration run by %s has saved it\n", kind, h)
	case migrate.Queued:
		fmt.Fprintf(o.streams.ErrOut, "queued %s: no migration is running; `ferry migrate start %s` applies it when it resumes\n", kind, service)
	case migrate.RunHere:
		fmt.Fprintf(o.streams.ErrOut, "no `ferry migrate start` is running; carrying out %s here\n", kind)
		return o.start(cmd, service, false)
	}
	return nil
}
