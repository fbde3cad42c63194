package release

import (
	"context"
	"reflect"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/deploy"
)

// Condition types of a ServiceFile.
const (
	condValid   = "Valid"
	condSynced  = "Synced"
	condHealthy = "Healthy"
)

// reasonDrift is the Synced condition's reason when another manager
// changed what ferry applied.
const reasonDrift = "Drift"

// syncReason is the Synced condition's reason, "" without one.
func syncReason(sf *v1alpha1.ServiceFile) string {
	if c := meta.FindStatusCondition(sf.Status.Conditions, condSynced); c != nil {
		return c.Reason
	}
	return ""
}

// historyKept is how many revisions status lists.
const historyKept = 5

func set(s *v1alpha1.ServiceFileStatus, gen int64, typ string, ok bool, reason, msg string) {
	st := metav1.ConditionFalse
	if ok {
		st = metav1.ConditionTrue
	}
	meta.SetStatusCondition(&s.Conditions, metav1.Condition{Type: typ, Status: st, Reason: reason, Message: msg, ObservedGeneration: gen})
}

func invalid(s *v1alpha1.ServiceFileStatus, gen int64, err error) {
	set(s, gen, condValid, false, "Invalid", err.Error())
	set(s, gen, condSynced, false, "Invalid", "the file is not valid")
	s.Sync, s.Message = v1alpha1.SyncOutOfSync, err.Error()
}

func setSync(s *v1alpha1.ServiceFileStatus, gen int64, synced bool, reason, msg string, drift []v1alpha1.DriftedObject) {
	set(s, gen, condValid, true, "Valid", "the file is valid")
	set(s, gen, condSynced, synced, reason, msg)
	s.Drift = drift
	s.Sync, s.Message = v1alpha1.SyncSynced, ""
	if !synced {
		s.Sync, s.Message = v1alpha1.SyncOutOfSync, msg
	}
}

func setHealth(s *v1alpha1.ServiceFileStatus, gen int64, health, msg string) {
	s.Health = health
	reason := health
	set(s, gen, condHealthy, health == v1alpha1.HealthHealthy, reason, msg)
	// The message is the sync's while out of sync, else the health's. A
	// reconcile for health alone leaves Sync as it was, so the message is
	// set here from both, never kept from an earlier health.
	if s.Sync == v1alpha1.SyncOutOfSync {
		return
	}
	s.Message = ""
	if health != v1alpha1.HealthHealthy {
		s.Message = msg
	}
}

// history lists the latest revisions in status, newest first.
func (r *Reconciler) history(ctx context.Context, sf *v1alpha1.ServiceFile, d *deploy.Deployer) error {
	revs, err := d.History(ctx)
	if err != nil {
		return err
	}
	setHistory(&sf.Status, revs)
	return nil
}

// setHistory lists the latest of revs (oldest first) in s, newest first.
func setHistory(s *v1alpha1.ServiceFileStatus, revs []deploy.Revision) {
	s.History = nil
	for i := len(revs) - 1; i >= 0 && len(s.History) < historyKept; i-- {
		s.History = append(s.History, v1alpha1.RevisionSummary{
			Revision: revs[i].Number,
			Time:     metav1.NewTime(revs[i].Time.Truncate(time.Second)), // as the API server keeps it
			Objects:  len(revs[i].Objects),
		})
	}
}

// equalStatus: times are kept to the second, as the API server stores
// them, so an unchanged status compares equal and is not written again
// (each write would reconcile the file once more).
func equalStatus(a, b v1alpha1.ServiceFileStatus) bool {
	return reflect.DeepEqual(a, b)
}

func (r *Reconciler) event(sf *v1alpha1.ServiceFile, kind, reason, note string) {
	if r.Events != nil {
		r.Events.Eventf(sf, nil, kind, reason, "Deploy", "%s", note)
	}
}
