package migrate

import (
	"context"
	"fmt"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/incluster"
	"ferry.dev/ferry/internal/migrate"
)

// controlInCluster hands kind to the service's Migration and waits for
// the controller to apply it.
func (o *options) controlInCluster(ctx context.Context, su *setup, service string, kind migrate.CommandKind) error {
	ic, err := o.cluster.client()
	if err != nil {
		return err
	}
	res, err := ic.Command(ctx, service, su.cfg.Domain, kind)
	if err != nil {
		return clusterFailed(err, service)
	}
	if res.Started {
		fmt.Fprintf(o.streams.ErrOut, "applied %s: the controller %s started the migration again for it and has saved it\n", kind, res.Holder)
		return nil
	}
	fmt.Fprintf(o.streams.ErrOut, "applied %s: the migration run by the controller %s has saved it\n", kind, res.Holder)
	return nil
}

// statusInCluster prints the state in the service's Migration.
func (o *options) statusInCluster(ctx context.Context, su *setup, service string) error {
	ic, err := o.cluster.client()
	if err != nil {
		return err
	}
	m, err := ic.Migration(ctx, service)
	if err != nil {
		return clusterFailed(err, service)
	}
	if m.Spec.Domain != su.cfg.Domain {
		return clusterFailed(&incluster.NotOwnedError{Migration: incluster.Key(m).String(),
			Why: fmt.Sprintf("it migrates %s, not %s", m.Spec.Domain, su.cfg.Domain)}, service)
	}
	s, ok, err := incluster.State(m)
	if err != nil {
		return clio.Failed(err)
	}
	if !ok {
		return clusterFailed(fmt.Errorf("no state yet in Migration %s: %w to start it", incluster.Key(m), incluster.ErrNoController), service)
	}
	return o.printState(s, clusterRunner(m))
}
