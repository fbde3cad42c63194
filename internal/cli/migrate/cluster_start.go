package migrate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/incluster"
	"ferry.dev/ferry/internal/migrate"
)

// startInCluster creates (or finds) the service's Migration and follows
// its status as the controller runs it, drawing it as a local run draws
// itself; Ctrl-C stops following only.
func (o *options) startInCluster(ctx context.Context, su *setup, service string, force bool) error {
	if force {
		return clio.Usage(errors.New("--force takes a lease over from this process; in-cluster, the controller takes its own lease over"))
	}
	ic, err := o.cluster.client()
	if err != nil {
		return err
	}
	want, err := incluster.MigrationFor(su.file, service, ic.Namespace)
	if err != nil {
		return clio.Usage(err)
	}
	if note := incluster.LocalOnly(su.file); note != "" {
		fmt.Fprintln(o.streams.ErrOut, "note: "+note)
	}
	started, err := ic.StartMigration(ctx, want)
	if err != nil {
		return clusterFailed(err, service)
	}
	o.sayStarted(started)
	if o.detach || !o.wait {
		fmt.Fprintf(o.streams.ErrOut, "the controller runs it; `ferry migrate status %s --in-cluster` shows where it stands\n", service)
		return nil
	}
	view := newView(o.streams.ErrOut, clio.IsTerminal(o.streams.ErrOut))
	view.lines = true // no decision log here: the events are the record
	sig, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	out, err := ic.FollowMigration(sig, started.Object, view.update)
	view.finish()
	if errors.Is(err, context.Canceled) { // Ctrl-C, SIGTERM, SIGHUP: main's context or sig
		fmt.Fprintf(o.streams.ErrOut, "stopped following at stage %s (%s); the controller keeps running the migration: `ferry migrate status %s --in-cluster` shows it\n",
			orNew(out.State.Stage), out.State.Weights, service)
		return nil
	}
	if err != nil {
		return clusterFailed(err, service)
	}
	return o.followed(out, service)
}

func (o *options) sayStarted(s incluster.Started) {
	key := incluster.Key(s.Object)
	switch {
	case s.Created && s.Replaced != "":
		fmt.Fprintf(o.streams.ErrOut, "the migration in Migration %s had ended (%s); created a new one in its place\n", key, s.Replaced)
	case s.Created:
		fmt.Fprintf(o.streams.ErrOut, "created Migration %s\n", key)
	default:
		st, _, _ := incluster.State(s.Object)
		fmt.Fprintf(o.streams.ErrOut, "Migration %s is there already, at stage %s (%s)\n", key, orNew(st.Stage), st.Weights)
	}
	if s.Changed {
		fmt.Fprintln(o.streams.ErrOut, "note: the file's migration settings differ from the Migration's; the migration keeps the settings it started with")
	}
}

func orNew(s migrate.Stage) migrate.Stage {
	if s == "" {
		return "not started"
	}
	return s
}

// followed reports where a followed migration stopped and picks the exit
// status, as finished does for a local run.
func (o *options) followed(out incluster.Outcome, service string) error {
	switch out.Stop {
	case incluster.Ended:
		return o.finished(out.State, nil, service)
	case incluster.NeedsOperator:
		return o.finished(out.State, migrate.ErrNeedsOperator, service)
	case incluster.Paused:
		if err := o.printState(out.State, clusterRunner(out.Object)); err != nil {
			return err
		}
		fmt.Fprintf(o.streams.ErrOut, "paused at stage %s (%s); the controller keeps watching the gates: `ferry migrate resume %s --in-cluster` continues\n",
			out.State.Stage, out.State.Weights, service)
		return nil
	}
	return clio.Failed(fmt.Errorf("the controller stopped running Migration %s: %s: %s", incluster.Key(out.Object), out.Reason, out.Message))
}
