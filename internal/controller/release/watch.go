package release

import (
	"context"
	"maps"
	"reflect"
	"strings"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"ferry.dev/ferry/internal/render"
)

// managed selects what ferry renders (pods and ReplicaSets inherit it
// from the pod template).
var managed = labels.SelectorFromSet(labels.Set{render.ManagedByLabel: render.ManagedBy})

// owned are the kinds ferry renders that the controller watches: its
// informers hold only objects with ferry's label, so the cache grows with
// what ferry deploys, not with the cluster.
func owned() []client.Object {
	return []client.Object{
		&appsv1.Deployment{}, &corev1.Service{}, &corev1.ServiceAccount{},
		&policyv1.PodDisruptionBudget{}, &networkingv1.Ingress{},
	}
}

// CacheByObject is the informer cache's configuration the reconciler
// needs: ferry's objects only, and of what it renders, projections (what
// the drift check and health read). ReplicaSets and pods are not cached:
// health lists them when it needs them (see health).
func CacheByObject() map[client.Object]cache.ByObject {
	by := map[client.Object]cache.ByObject{
		&corev1.Namespace{}: {Label: managed},
	}
	for _, o := range owned() {
		by[o] = cache.ByObject{Label: managed, Transform: projected}
	}
	return by
}

// objectEvents maps an event on an object ferry renders to its files.
// Only a change a drift check could see (spec, labels, annotations, the
// object gone) makes the check due; a status change of a Deployment
// reconciles for health alone, and other status changes not at all.
func (r *Reconciler) objectEvents() handler.EventHandler {
	type queue = workqueue.TypedRateLimitingInterface[reconcile.Request]
	return handler.Funcs{
		// An object created is not drift: ferry created it (when its
		// watch event beats the apply's answer, nothing can tell ferry's
		// own create from another's), or it is not ferry's at all. A
		// deleted one is. A Deployment's health still counts.
		CreateFunc: func(_ context.Context, e event.CreateEvent, q queue) {
			r.source.delivered(e.Object)
			if _, ok := e.Object.(*appsv1.Deployment); ok {
				r.enqueue(e.Object, false, q)
			}
		},
		DeleteFunc: func(_ context.Context, e event.DeleteEvent, q queue) { r.enqueue(e.Object, true, q) },
		UpdateFunc: func(_ context.Context, e event.UpdateEvent, q queue) {
			r.source.delivered(e.ObjectNew)
			switch {
			case changedForDrift(e.ObjectOld, e.ObjectNew):
				r.enqueue(e.ObjectNew, true, q)
			case changedForHealth(e.ObjectOld, e.ObjectNew):
				r.enqueue(e.ObjectNew, false, q)
			}
		},
	}
}

// changedForDrift: what a drift check compares changed, between two
// projections: the digests among their annotations (a label of ferry's
// edited changes the digest of its fields). The Deployment controller's
// own annotations (deployment.kubernetes.io/revision) do not count: ferry
// never sets them.
func changedForDrift(a, b client.Object) bool {
	return a.GetGeneration() != b.GetGeneration() || !b.GetDeletionTimestamp().IsZero() ||
		!equalAnnotations(a.GetAnnotations(), b.GetAnnotations())
}

func equalAnnotations(a, b map[string]string) bool {
	theirs := func(k, _ string) bool { return strings.HasPrefix(k, "deployment.kubernetes.io/") }
	a, b = maps.Clone(a), maps.Clone(b)
	maps.DeleteFunc(a, theirs)
	maps.DeleteFunc(b, theirs)
	return maps.Equal(a, b)
}

// changedForHealth: what deploy.Evaluate reads of a Deployment's status
// changed (condition times alone do not count).
func changedForHealth(a, b client.Object) bool {
	da, ok1 := a.(*appsv1.Deployment)
	db, ok2 := b.(*appsv1.Deployment)
	if !ok1 || !ok2 {
		return false
	}
	sa, sb := da.Status, db.Status
	if len(sa.Conditions) != len(sb.Conditions) {
		return true
	}
	for i := range sa.Conditions {
		ca, cb := sa.Conditions[i], sb.Conditions[i]
		if ca.Type != cb.Type || ca.Status != cb.Status || ca.Reason != cb.Reason || ca.Message != cb.Message {
			return true
		}
	}
	sa.Conditions, sb.Conditions = nil, nil
	return !reflect.DeepEqual(sa, sb)
}

// enqueue queues the files deploying o's service (o is a projection; its
// files are found by the index of files: no request); drift marks their
// drift check due.
func (r *Reconciler) enqueue(o client.Object, drift bool, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
	svc := o.GetAnnotations()[render.ServiceLabel] // see projectedMeta
	if svc == "" {
		return
	}
	for _, f := range r.files.of(o.GetNamespace(), svc) {
		req := reconcile.Request{NamespacedName: f}
		if drift {
			r.due.mark(req.NamespacedName)
		}
		q.Add(req)
	}
}

// dueChecks says when a file's drift check is due: an event marked it,
// or the last check is older than the resync interval.
type dueChecks struct {
	mu      sync.Mutex
	marked  map[types.NamespacedName]bool
	checked map[types.NamespacedName]time.Time
}

func (d *dueChecks) mark(n types.NamespacedName) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.marked == nil {
		d.marked = map[types.NamespacedName]bool{}
	}
	d.marked[n] = true
}

// take reports whether n's check is due at now and, if so, counts it as
// done (mark again when it fails).
func (d *dueChecks) take(n types.NamespacedName, now time.Time, resync time.Duration) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	last, seen := d.checked[n]
	if !d.marked[n] && seen && now.Sub(last) < resync {
		return false
	}
	delete(d.marked, n)
	if d.checked == nil {
		d.checked = map[types.NamespacedName]time.Time{}
	}
	d.checked[n] = now
	return true
}

// forget drops a deleted file.
func (d *dueChecks) forget(n types.NamespacedName) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.marked, n)
	delete(d.checked, n)
}
