package migration

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/controller/secrets"
	"ferry.dev/ferry/internal/notify"
)

// notifyFlush bounds how long a runner that stops waits for its
// notifications to be delivered.
const notifyFlush = 10 * time.Second

// notifyTargets reads the URL of each of the Migration's notifications
// from its Secret (a get each, when the run starts: a rotated URL is used
// from the next run); one that cannot be read is a Warning event and
// stops nothing.
func (r *Reconciler) notifyTargets(ctx context.Context, key types.NamespacedName, notes []v1alpha1.Notification) []notify.Target {
	return notify.SecretTargets(ctx, notes, secrets.Reader(r.Direct, key.Namespace), func(msg string) {
		r.warn(key, "NotificationSkipped", fmt.Sprintf("%s this run", msg))
	})
}

// warn records a Warning event on the Migration key.
func (r *Reconciler) warn(key types.NamespacedName, reason, msg string) {
	r.Logger.Warn(msg, "migration", key.String())
	if r.Events == nil {
		return
	}
	r.Events.Eventf(eventRef(key), nil, corev1.EventTypeWarning, reason, "Notify", "%s", msg)
}
