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
	"ferry.dev/ferry/internal/dns/lease"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/store"
	"ferry.dev/ferry/internal/notify"
)

func (o *options) startCommand() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "start SERVICE",
		Short: "Run (or resume) the migration in the foreground until done or rolled back",
		Long: `start takes the state directory's lock and the domain's ownership lease
(a TXT record stored with the domain's DNS data, so a second start from any
machine or directory is refused), then starts the migration — or resumes the
one a killed start left, performing again exactly the action that was
outstanding. Ctrl-C, SIGTERM or a dropped SSH session (SIGHUP) stop it
safely; start again resumes.`,
		Example: "  ferry migrate start api\n  ferry migrate start api -f team/ferry.yaml --state-dir /var/lib/ferry\n  ferry migrate start api --force   # take over a lease whose holder is gone",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.start(cmd, args[0], force)
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "take the domain's ownership lease over even if another holder's has not expired")
	cmd.Flags().BoolVar(&o.detach, "detach", false, "in-cluster mode: return once the Migration is created instead of following it (same as --wait=false)")
	cmd.Flags().BoolVar(&o.wait, "wait", true, "in-cluster mode: follow the Migration's status until it is done, paused or stopped")
	return cmd
}

// start opens the migration's session and runs it; queued commands are
// applied first (how rollback and abort act when no start is running).
func (o *options) start(cmd *cobra.Command, service string, force bool) error {
	ctx := cmd.Context()
	su, err := o.setup(cmd, service)
	if err != nil {
		return err
	}
	if su.inCluster {
		return o.startInCluster(ctx, su, service, force)
	}
	p, err := o.provider(ctx, su.cfg)
	if err != nil {
		return err
	}
	targets, err := notify.Targets(su.file.Notifications, os.Getenv)
	if err != nil {
		return clio.Usage(err)
	}
	if note := notify.InClusterOnly(su.file.Notifications); note != "" {
		fmt.Fprintln(o.streams.ErrOut, "note: "+note)
	}
	view := newView(o.streams.ErrOut, clio.IsTerminal(o.streams.ErrOut))
	var watch func(migrate.State) // set once the session says what is past
	opts := o.sessionOptions(ctx, su, p, service, force, view)
	opts.Observe = func(s migrate.State) { view.update(s); watch(s) }
	sess, err := migrate.OpenSession(ctx, opts)
	if err != nil {
		return o.openFailed(err)
	}
	defer func() { _ = sess.Close() }() // a killed start's lock is dropped by the kernel
	n := notify.New(context.WithoutCancel(ctx), targets, notify.Options{Logger: opts.Logger})
	defer n.Flush(ctx, flushFor)
	watch = notify.Watch(n, len(sess.State().Timeline))
	if sess.Resumed() {
		s := sess.State()
		fmt.Fprintf(o.streams.ErrOut, "resuming the migration of %s at stage %s (%s)\n", su.cfg.Domain, s.Stage, s.Weights)
		if !cmp.Equal(s.Config, su.cfg) {
			fmt.Fprintln(o.streams.ErrOut, "note: the file's migration settings changed since the start; the migration keeps the settings it started with")
		}
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	final, err := sess.Run(ctx)
	view.finish()
	return o.finished(final, err, service)
}

func (o *options) sessionOptions(ctx context.Context, su *setup, p dns.Provider, service string, force bool, view *view) migrate.SessionOptions {
	holder := store.ThisProcess("ferry migrate start " + service)
	return migrate.SessionOptions{
		Config: su.cfg, Store: su.store, Commands: su.store, Provider: p,
		// After a refused change, build the provider again (re-reading
		// its token file).
		Connect: func() (dns.Provider, error) { return o.provider(ctx, su.cfg) },
		Lock:    su.store.Locker(holder),
		Holder:  holder.LeaseName(),
		Force:   force, Observe: view.update,
		Logger: slog.New(slog.NewTextHandler(view, nil)),
	}
}

// flushFor bounds how long an ending start waits for its last
// notifications; the migration itself never waits for them.
const flushFor = 2 * time.Second

// openFailed says why the session could not be opened.
func (o *options) openFailed(err error) error {
	var locked *store.LockedError
	var held *lease.HeldError
	switch {
	case errors.As(err, &locked):
		return clio.Failed(err)
	case errors.As(err, &held):
		return clio.Failed(fmt.Errorf("%w\n(another ferry runs this migration; once it is gone for good, --force takes the lease over)", err))
	case errors.Is(err, migrate.ErrForeignRecord):
		return clio.Failed(fmt.Errorf("refusing to start: %w", err))
	case errors.Is(err, dns.ErrTerminal):
		cause, fix, _ := migrate.Refusal(err)
		return clio.Failed(fmt.Errorf("refusing to start: %s: %w — %s", cause, err, fix))
	}
	return clio.Failed(fmt.Errorf("opening the migration: %w", err))
}

// finished reports how the run ended and picks the exit status.
func (o *options) finished(final migrate.State, err error, service string) error {
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(o.streams.ErrOut, "stopped at stage %s (%s); the state is saved: `ferry migrate start %s` resumes\n", final.Stage, final.Weights, service)
		return clio.Failed(clio.ErrReported)
	case errors.Is(err, migrate.ErrNeedsOperator):
		fmt.Fprintf(o.streams.ErrOut, "ALERT: %s\nstopped at stage %s (%s); the state is saved: `ferry migrate resume %s` or `ferry migrate rollback %s`\n",
			final.Alert, final.Stage, final.Weights, service, service)
		return clio.Failed(clio.ErrReported)
	case errors.Is(err, migrate.ErrLeaseLost):
		fmt.Fprintf(o.streams.ErrOut, "ALERT: %v\nstopped at stage %s (%s) without changing anything more; the state is saved\n", err, final.Stage, final.Weights)
		return clio.Failed(clio.ErrReported)
	case err != nil:
		return clio.Failed(err)
	}
	if err := o.printState(final, runner{}); err != nil {
		return err
	}
	switch {
	case final.LegacyAlert != "":
		return clio.Failed(fmt.Errorf("the migration ended %s with legacy failing: %s", final.Stage, final.LegacyAlert))
	case final.Stage == migrate.StageDone:
		return nil
	case final.Stage == migrate.StageRolledBack && final.Reason == migrate.ReasonOperatorRollback:
		// Rolled back as asked: the operation succeeded.
		fmt.Fprintf(o.streams.ErrOut, "rolled back as asked: legacy serves 100%% of %s\n", final.Config.Domain)
		return nil
	}
	return clio.Failed(fmt.Errorf("the migration ended %s: %s", final.Stage, final.Reason))
}
