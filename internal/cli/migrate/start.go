package migrate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/store"
)

func (o *options) startCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "start SERVICE",
		Short: "Run (or resume) the migration in the foreground until done or rolled back",
		Long: `start takes the domain's lock, then starts the migration — or resumes the
one a killed start left, performing again exactly the action that was
outstanding. Ctrl-C stops it safely; start again resumes.`,
		Example: "  ferry migrate start api\n  ferry migrate start api -f team/ferry.yaml --state-dir /var/lib/ferry",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.start(cmd.Context(), args[0])
		},
	}
}

// start runs the migration, applying the commands queued for it first
// (how rollback and abort act when no start is running).
func (o *options) start(ctx context.Context, service string) error {
	su, err := o.setup(service)
	if err != nil {
		return err
	}
	p, err := o.provider(su.cfg)
	if err != nil {
		return err
	}
	lock, err := o.lock(su, service)
	if err != nil {
		return err
	}
	defer func() { _ = lock.Unlock() }() // a killed start's lock is dropped by the kernel
	view := newView(o.streams.ErrOut, clio.IsTerminal(o.streams.ErrOut))
	ex := &migrate.Executor{
		Provider: p, Store: su.store, Commands: su.store, Observe: view.update,
		Logger: slog.New(slog.NewTextHandler(view, nil)),
		// After a refused change, read the token file again.
		Connect: func() (dns.Provider, error) { return o.provider(su.cfg) },
	}
	s, err := o.initial(ctx, su, ex)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	final, err := ex.Run(ctx, s)
	view.finish()
	if errors.Is(err, context.Canceled) {
		fmt.Fprintf(o.streams.ErrOut, "stopped at stage %s (%s); the state is saved: `ferry migrate start %s` resumes\n", final.Stage, final.Weights, service)
		return clio.Failed(clio.ErrReported)
	}
	if errors.Is(err, migrate.ErrNeedsOperator) {
		fmt.Fprintf(o.streams.ErrOut, "ALERT: %s\nstopped at stage %s (%s); the state is saved\n", final.Alert, final.Stage, final.Weights)
		return clio.Failed(clio.ErrReported)
	}
	if err != nil {
		return clio.Failed(err)
	}
	if err := o.printState(final, nil); err != nil {
		return err
	}
	switch {
	case final.Stage == migrate.StageDone:
		return nil
	case final.Stage == migrate.StageRolledBack && final.Reason == migrate.ReasonOperatorRollback:
		// Rolled back as asked: the operation succeeded.
		fmt.Fprintf(o.streams.ErrOut, "rolled back as asked: legacy serves 100%% of %s\n", final.Config.Domain)
		return nil
	}
	return clio.Failed(fmt.Errorf("the migration ended %s: %s", final.Stage, final.Reason))
}

func (o *options) lock(su *setup, service string) (*store.Lock, error) {
	host, _ := os.Hostname()
	lock, err := su.store.Lock(su.cfg.Domain, store.Holder{
		PID: os.Getpid(), Host: host, Started: time.Now().UTC(), Command: "ferry migrate start " + service,
	})
	var locked *store.LockedError
	if errors.As(err, &locked) {
		return nil, clio.Failed(err)
	}
	if err != nil {
		return nil, clio.Failed(err)
	}
	return lock, nil
}

// initial is the saved migration to resume, or a new one after checking
// that the domain's record may be adopted.
func (o *options) initial(ctx context.Context, su *setup, ex *migrate.Executor) (migrate.State, error) {
	s, err := su.store.Load(ctx, su.cfg.Domain)
	switch {
	case err == nil && !s.Stage.Terminal():
		fmt.Fprintf(o.streams.ErrOut, "resuming the migration of %s at stage %s (%s)\n", su.cfg.Domain, s.Stage, s.Weights)
		if !cmp.Equal(s.Config, su.cfg) {
			fmt.Fprintln(o.streams.ErrOut, "note: the file's migration settings changed since the start; the migration keeps the settings it started with")
		}
		return s, nil
	case err != nil && !errors.Is(err, migrate.ErrNoState):
		return s, clio.Failed(err)
	}
	if err := ex.Check(ctx, su.cfg); err != nil {
		if errors.Is(err, migrate.ErrForeignRecord) || errors.Is(err, dns.ErrTerminal) {
			return s, clio.Failed(fmt.Errorf("refusing to start: %w", err))
		}
		return s, clio.Failed(fmt.Errorf("reading the domain's record before starting: %w", err))
	}
	// Commands still queued were sent to an earlier migration.
	if err := su.store.ClearCommands(su.cfg.Domain); err != nil {
		return s, clio.Failed(err)
	}
	return migrate.NewState(su.cfg), nil
}
