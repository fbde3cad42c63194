package migration

import (
	"fmt"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/migrate"
)

// eventSink turns every new entry of a migration's timeline (each
// decision of the engine, with its numbers) into a Kubernetes event, and
// passes the state on to the Migration's notifications.
type eventSink struct {
	r      *Reconciler
	key    types.NamespacedName
	mu     sync.Mutex
	seen   int
	notify func(migrate.State) // nil until the session is open
}

func (e *eventSink) observe(s migrate.State) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.notify != nil {
		e.notify(s)
	}
	if e.r.Events == nil {
		return
	}
	if len(s.Timeline) < e.seen {
		e.seen = 0
	}
	m := eventRef(e.key)
	for _, ev := range s.Timeline[e.seen:] {
		kind := corev1.EventTypeNormal
		if s.Stage == migrate.StageRollingBack || s.Alert != "" {
			kind = corev1.EventTypeWarning
		}
		note := fmt.Sprintf("%s step %d %s: %s", ev.Stage, ev.Step, ev.Weights, ev.Message)
		e.r.Events.Eventf(m, nil, kind, string(ev.Kind), "Migrate", "%s", note)
	}
	e.seen = len(s.Timeline)
}

// eventRef is the Migration key as the object an event is recorded on.
func eventRef(key types.NamespacedName) *v1alpha1.MigrationResource {
	m := &v1alpha1.MigrationResource{}
	m.Namespace, m.Name = key.Namespace, key.Name
	m.SetGroupVersionKind(v1alpha1.GroupVersion().WithKind(v1alpha1.MigrationKind))
	return m
}
