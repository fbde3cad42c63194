package release

import (
	"context"
	"time"

	corev1 "k8s.io/api/core/v1"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/controller/secrets"
	"ferry.dev/ferry/internal/notify"
)

// notifyWithin bounds the delivery of one deploy's notification.
const notifyWithin = 30 * time.Second

// tell sends e to sf's notifications in the background: the URLs are read
// from their Secrets now (a get each), delivery is retried without holding
// up the reconcile, and one that cannot be read is a Warning event.
func (r *Reconciler) tell(ctx context.Context, sf *v1alpha1.ServiceFile, e notify.Event) {
	if len(sf.Spec.Notifications) == 0 {
		return
	}
	targets := notify.SecretTargets(ctx, sf.Spec.Notifications, secrets.Reader(r.Direct, sf.Namespace), func(msg string) {
		r.Logger.Warn(msg, "servicefile", sf.Namespace+"/"+sf.Name)
		r.event(sf, corev1.EventTypeWarning, "NotificationSkipped", msg)
	})
	if len(targets) == 0 {
		return
	}
	bg := context.WithoutCancel(ctx)
	go func() {
		n := notify.New(bg, targets, notify.Options{Logger: r.Logger})
		n.Send(e)
		n.Flush(bg, notifyWithin)
	}()
}
