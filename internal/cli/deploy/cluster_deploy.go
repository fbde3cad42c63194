package deploy

import (
	"context"
	"errors"
	"fmt"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/deploy"
	"ferry.dev/ferry/internal/incluster"
	"ferry.dev/ferry/internal/spec"
)

// runDeployInCluster hands the file to the controller as the release's
// ServiceFile, waits until it is applied (and, with --wait, healthy), and
// prints what the controller did as a local deploy prints its own work.
func runDeployInCluster(ctx context.Context, streams clio.Streams, fl deployFlags, f *spec.File) error {
	d, ic, err := fl.inClusterClients()
	if err != nil {
		return err
	}
	sf, err := incluster.ServiceFileFor(f, d.Release(), d.Namespace())
	if err != nil {
		return clio.Usage(err)
	}
	fmt.Fprintf(streams.ErrOut, "handing %s to the controller as ServiceFile %s/%s\n", f.Path, sf.Namespace, sf.Name)
	if note := incluster.LocalOnly(f); note != "" {
		fmt.Fprintln(streams.ErrOut, "note: "+note)
	}
	return handOver(ctx, streams, fl, d, ic, sf)
}

// inClusterClients refuses the flags only a local deploy honours, then
// connects: the release's deployer and the client of its ServiceFile.
func (fl deployFlags) inClusterClients() (*deploy.Deployer, *incluster.Client, error) {
	if err := localOnly(fl); err != nil {
		return nil, nil, err
	}
	d, kc, err := fl.connect(nil)
	if err != nil {
		return nil, nil, err
	}
	ic, err := fl.cluster.Client(kc)
	return d, ic, err
}

// runRollbackInCluster writes the file of the revision put back into the
// release's ServiceFile, marked as a rollback, and follows the controller
// as runDeployInCluster does: the controller records the rollback.
func runRollbackInCluster(ctx context.Context, streams clio.Streams, fl deployFlags, to int) error {
	d, ic, err := fl.inClusterClients()
	if err != nil {
		return err
	}
	req, err := d.RollbackRequest(ctx, to, deploy.Request{})
	if errors.Is(err, deploy.ErrNoRevision) {
		return clio.Usage(err)
	}
	if err != nil {
		return clio.Failed(err)
	}
	sf, err := incluster.ServiceFileFor(req.File, d.Release(), d.Namespace())
	if err == nil {
		err = sf.MarkRollbackOf(req.RollbackOf)
	}
	if err != nil {
		return clio.Failed(fmt.Errorf("revision %d: %w", req.RollbackOf, err))
	}
	fmt.Fprintf(streams.ErrOut, "handing revision %d back to the controller as ServiceFile %s/%s\n", req.RollbackOf, sf.Namespace, sf.Name)
	return handOver(ctx, streams, fl, d, ic, sf)
}

// handOver writes sf, waits until the controller has applied it (and,
// with --wait, until it is healthy), and prints what the controller did
// as a local deploy prints its own work.
func handOver(ctx context.Context, streams clio.Streams, fl deployFlags, d *deploy.Deployer, ic *incluster.Client, sf *v1alpha1.ServiceFile) error {
	ctx, cancel := context.WithTimeout(ctx, fl.timeout)
	defer cancel()
	applied, err := ic.ApplyServiceFile(ctx, sf)
	if err != nil {
		return clusterFailed(err)
	}
	fmt.Fprintln(streams.ErrOut, describe(applied.Object))
	if fl.wait {
		err := ic.AwaitHealthy(ctx, sf.Name, func(r incluster.Rollout) {
			fmt.Fprintf(streams.ErrOut, "health %s: %s\n", r.Health, r.Message)
		})
		if errors.Is(err, context.DeadlineExceeded) {
			return clio.Failed(fmt.Errorf("ServiceFile %s/%s is not Healthy after %v; the controller keeps deploying it", sf.Namespace, sf.Name, fl.timeout))
		}
		if err != nil {
			return clusterFailed(err)
		}
	}
	res, err := result(ctx, d, applied)
	if err != nil {
		return clio.Failed(err)
	}
	if fl.output == clio.JSON {
		return clio.WriteJSON(streams.Out, res)
	}
	return printResult(streams, d, res)
}

// localOnly refuses the flags that only a local deploy can honour.
func localOnly(fl deployFlags) error {
	for flag, set := range map[string]bool{"--service": fl.service != "", "--atomic": fl.atomic, "--force-conflicts": fl.force} {
		if set {
			return clio.Usage(fmt.Errorf("%s is not available in-cluster: the controller deploys the whole file, and spec.selfHeal of the ServiceFile takes fields back", flag))
		}
	}
	return nil
}

// result is the controller's report as deploy.Result: the objects come
// from the revision it recorded. A file the object held already is
// Unchanged, as a local deploy of the same file is.
func result(ctx context.Context, d *deploy.Deployer, a incluster.Applied) (deploy.Result, error) {
	r := a.Object.Status.LastDeploy
	res := deploy.Result{Revision: r.Revision, Unchanged: r.Unchanged || a.Unchanged, Sent: r.Sent}
	if a.Unchanged {
		res.Sent = 0
		r = &v1alpha1.DeployReport{Revision: r.Revision, Objects: r.Objects}
	}
	for _, p := range r.Pruned {
		res.Pruned = append(res.Pruned, deploy.Ref{APIVersion: p.APIVersion, Kind: p.Kind, Namespace: p.Namespace, Name: p.Name})
	}
	revs, err := d.History(ctx)
	if err != nil {
		return res, err
	}
	for _, rev := range revs {
		if rev.Number == r.Revision {
			res.Applied = rev.Objects
		}
	}
	if len(res.Applied) != r.Objects {
		return res, fmt.Errorf("revision %d of release %s lists %d objects; the controller reported %d", r.Revision, d.Release(), len(res.Applied), r.Objects)
	}
	return res, nil
}
