package release

import (
	"context"
	"errors"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/deploy"
	"ferry.dev/ferry/internal/spec"
)

// sync applies a new generation (or retries an apply that failed), or,
// when due, looks for drift and heals it when asked; it sets Sync, Drift,
// Revision and, after an apply, History.
func (r *Reconciler) sync(ctx context.Context, sf *v1alpha1.ServiceFile, d *deploy.Deployer, f *spec.File, due bool) error {
	newGen := sf.Generation != sf.Status.ObservedGeneration || sf.Status.Revision == 0
	if sf.Spec.Suspend {
		if !due && !newGen {
			return nil
		}
		return r.checkDrift(ctx, sf, d, f)
	}
	// A failed apply is tried again when due; drift is not "failed": it
	// is checked, and applied over only with self-heal.
	if newGen || due && sf.Status.Sync != v1alpha1.SyncSynced && syncReason(sf) != reasonDrift {
		// With self-heal on, fields another manager took are taken back.
		// A file "ferry rollback --in-cluster" wrote is recorded as the
		// rollback it is.
		return r.apply(ctx, sf, d, f, sf.Spec.SelfHeal, sf.RollbackOf())
	}
	if !due {
		return nil
	}
	if err := r.checkDrift(ctx, sf, d, f); err != nil {
		return err
	}
	if sf.Status.Sync == v1alpha1.SyncOutOfSync && sf.Spec.SelfHeal {
		r.event(sf, corev1.EventTypeNormal, "SelfHeal", "applying the file again over drift: "+sf.Status.Message)
		return r.apply(ctx, sf, d, f, true, 0)
	}
	return nil
}

// apply deploys f (without waiting for rollouts: health is judged on
// every reconcile), recorded as a rollback of revision rollbackOf when
// not 0. A field owned by another manager is drift, unless force takes
// it back.
func (r *Reconciler) apply(ctx context.Context, sf *v1alpha1.ServiceFile, d *deploy.Deployer, f *spec.File, force bool, rollbackOf int) error {
	res, err := d.Run(ctx, deploy.Request{File: f, ForceConflicts: force, RollbackOf: rollbackOf})
	if err != nil || !res.Unchanged {
		r.tell(ctx, sf, deploy.Notification(sf.Name, sf.Namespace, res, err))
	}
	var conflict bool
	if err != nil {
		if conflict = apierrors.IsConflict(err); !conflict {
			return fmt.Errorf("deploying ServiceFile %s/%s: %w", sf.Namespace, sf.Name, err)
		}
		setSync(&sf.Status, sf.Generation, false, "Conflict", err.Error(), nil)
		return nil
	}
	if !res.Unchanged {
		r.event(sf, corev1.EventTypeNormal, "Deployed", fmt.Sprintf("revision %d: %d objects, %d sent, %d pruned", res.Revision, len(res.Applied), res.Sent, len(res.Pruned)))
	}
	sf.Status.Revision = res.Revision
	if last := sf.Status.LastDeploy; last == nil || last.Generation != sf.Generation || !res.Unchanged {
		// Applying a generation again (self-heal, a stale cache) keeps the
		// report of the apply that recorded it.
		sf.Status.LastDeploy = report(sf.Generation, res)
	}
	setHistory(&sf.Status, res.History)
	setSync(&sf.Status, sf.Generation, true, "Applied", fmt.Sprintf("revision %d applied", res.Revision), nil)
	return nil
}

// checkDrift compares the file with the informer cache first: when every
// object is as ferry last applied it, the file is in sync and nothing is
// sent. Otherwise a server-side dry run says what differs: a conflict
// names the manager that took an owned field, a difference names the
// object.
func (r *Reconciler) checkDrift(ctx context.Context, sf *v1alpha1.ServiceFile, d *deploy.Deployer, f *spec.File) error {
	moved, err := d.NotInPlace(ctx, deploy.Request{File: f})
	if err != nil {
		return fmt.Errorf("checking ServiceFile %s/%s for drift: %w", sf.Namespace, sf.Name, err)
	}
	if len(moved) == 0 {
		inSync(sf)
		return nil
	}
	res, err := d.Run(ctx, deploy.Request{File: f, DryRun: true})
	var status *apierrors.StatusError
	switch {
	case err != nil && apierrors.IsConflict(err) && errors.As(err, &status):
		drift := conflictDrift(status, err)
		setSync(&sf.Status, sf.Generation, false, reasonDrift, "drift: "+err.Error(), drift)
		return nil
	case err != nil:
		return fmt.Errorf("checking ServiceFile %s/%s for drift: %w", sf.Namespace, sf.Name, err)
	}
	var drift []v1alpha1.DriftedObject
	for _, c := range res.Changes {
		if c.Action != "unchanged" {
			drift = append(drift, v1alpha1.DriftedObject{Object: fmt.Sprintf("%s %s (%s)", c.Ref.Kind, c.Ref.Name, c.Action)})
		}
	}
	if len(drift) > 0 {
		setSync(&sf.Status, sf.Generation, false, reasonDrift, fmt.Sprintf("drift: %d object(s) differ from the file, first %s", len(drift), drift[0].Object), drift)
		return nil
	}
	inSync(sf)
	return nil
}

// inSync records a drift check that found the file in place. A file
// already Synced keeps its condition as it is ("revision 3 applied"), so
// a check that finds nothing writes nothing.
func inSync(sf *v1alpha1.ServiceFile) {
	if sf.Status.Sync == v1alpha1.SyncSynced && len(sf.Status.Drift) == 0 {
		return
	}
	setSync(&sf.Status, sf.Generation, true, "InSync", fmt.Sprintf("revision %d in place", sf.Status.Revision), nil)
}

// conflictDrift reads the object and managers out of an apply conflict;
// deploy names the object in err ("applying Deployment shop/api: ...").
func conflictDrift(s *apierrors.StatusError, err error) []v1alpha1.DriftedObject {
	det := s.ErrStatus.Details
	if det == nil {
		return nil
	}
	o := v1alpha1.DriftedObject{Object: det.Kind + " " + det.Name}
	if _, rest, ok := strings.Cut(err.Error(), "applying "); ok {
		o.Object, _, _ = strings.Cut(rest, ":")
	}
	for _, c := range det.Causes {
		if c.Type == metav1.CauseTypeFieldManagerConflict {
			o.Fields = append(o.Fields, c.Field)
			if m := managerOf(c.Message); m != "" && !contains(o.Managers, m) {
				o.Managers = append(o.Managers, m)
			}
		}
	}
	return []v1alpha1.DriftedObject{o}
}

// managerOf finds the manager in `conflict with "kubectl-edit" using apps/v1`.
func managerOf(msg string) string {
	_, rest, ok := strings.Cut(msg, `conflict with "`)
	if !ok {
		return ""
	}
	m, _, _ := strings.Cut(rest, `"`)
	return m
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// report is res as status keeps it, for "ferry deploy --in-cluster".
func report(gen int64, res deploy.Result) *v1alpha1.DeployReport {
	r := &v1alpha1.DeployReport{Generation: gen, Revision: res.Revision, Unchanged: res.Unchanged, Objects: len(res.Applied), Sent: res.Sent}
	for _, p := range res.Pruned {
		r.Pruned = append(r.Pruned, v1alpha1.ObjectRef{APIVersion: p.APIVersion, Kind: p.Kind, Namespace: p.Namespace, Name: p.Name})
	}
	return r
}
