package migration

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/notify"
)

// notifyFlush bounds how long a runner that stops waits for its
// notifications to be delivered.
const notifyFlush = 10 * time.Second

// notifyTargets reads the URL of each of the Migration's notifications
// from its Secret (a get each, when the run starts: a rotated URL is used
// from the next run). A notification never stops a migration: one whose
// Secret or key is missing, or empty, is left out, with a Warning event
// naming it (never the URL).
func (r *Reconciler) notifyTargets(ctx context.Context, key types.NamespacedName, notes []v1alpha1.Notification) []notify.Target {
	var out []notify.Target
	for i, n := range notes {
		if n.URLSecretRef == nil {
			continue // the API server refuses these; an older object may hold one
		}
		ref := n.URLSecretRef
		where := fmt.Sprintf("notifications[%d]: Secret %s/%s key %q", i, key.Namespace, ref.Name, ref.Key)
		var s corev1.Secret
		err := r.Direct.Get(ctx, client.ObjectKey{Namespace: key.Namespace, Name: ref.Name}, &s)
		url := strings.TrimSpace(string(s.Data[ref.Key]))
		switch {
		case err != nil:
			r.warn(key, "NotificationSkipped", fmt.Sprintf("%s: %v; nothing is sent to it this run", where, err))
		case url == "":
			r.warn(key, "NotificationSkipped", where+": no such key, or empty; nothing is sent to it this run")
		default:
			out = append(out, notify.Target{URL: url, Format: notify.Format(cmp.Or(n.Format, string(notify.Slack)))})
		}
	}
	return out
}

// warn records a Warning event on the Migration key.
func (r *Reconciler) warn(key types.NamespacedName, reason, msg string) {
	r.Logger.Warn(msg, "migration", key.String())
	if r.Events == nil {
		return
	}
	m := &v1alpha1.MigrationResource{}
	m.Namespace, m.Name = key.Namespace, key.Name
	m.SetGroupVersionKind(v1alpha1.GroupVersion().WithKind(v1alpha1.MigrationKind))
	r.Events.Eventf(m, nil, corev1.EventTypeWarning, reason, "Notify", "%s", msg)
}
