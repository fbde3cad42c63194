package migration

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"ferry.dev/ferry/api/v1alpha1"
)

// Condition types of a Migration.
const (
	condValid   = "Valid"
	condRunning = "Running"
)

// condition sets one condition with a merge patch of status.conditions,
// which leaves the state alone (the runner writes it, conditionally).
// Unchanged conditions are not written.
func (r *Reconciler) condition(ctx context.Context, m *v1alpha1.MigrationResource, typ string, ok bool, reason, msg string) error {
	status := metav1.ConditionFalse
	if ok {
		status = metav1.ConditionTrue
	}
	if c := meta.FindStatusCondition(m.Status.Conditions, typ); c != nil && c.Status == status && c.Reason == reason && c.Message == msg {
		return nil
	}
	before := m.DeepCopy()
	meta.SetStatusCondition(&m.Status.Conditions, metav1.Condition{
		Type: typ, Status: status, Reason: reason, Message: msg, ObservedGeneration: m.Generation,
	})
	if err := r.Direct.Status().Patch(ctx, m, client.MergeFrom(before)); err != nil {
		return fmt.Errorf("writing condition %s of Migration %s/%s: %w", typ, m.Namespace, m.Name, err)
	}
	return nil
}
