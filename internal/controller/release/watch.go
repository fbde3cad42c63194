package release

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"ferry.dev/ferry/internal/deploy"
	"ferry.dev/ferry/internal/render"
)

// managed selects what ferry renders (pods and ReplicaSets inherit it
// from the pod template).
var managed = labels.SelectorFromSet(labels.Set{render.ManagedByLabel: render.ManagedBy})

type queue = workqueue.TypedRateLimitingInterface[reconcile.Request]

// projections are one informer for each of kinds: ferry's objects only
// (its label), so what they hold grows with what ferry deploys, not with
// the cluster, and of each object only its projection. They are not the
// manager's cache: its reader would hand out only the types it stores.
// ReplicaSets and pods are not kept: health lists them when it needs
// them (see health).
type projections struct {
	informers map[kindKey]toolscache.SharedIndexInformer
}

type kindKey struct{ apiVersion, kind string }

func newProjections(cfg *rest.Config) (*projections, error) {
	cfg = rest.CopyConfig(cfg)
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	cfg.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("creating a client: %w", err)
	}
	clients := map[string]rest.Interface{ // by the kinds' apiVersion
		"v1": cs.CoreV1().RESTClient(), "apps/v1": cs.AppsV1().RESTClient(),
		"policy/v1": cs.PolicyV1().RESTClient(), "networking.k8s.io/v1": cs.NetworkingV1().RESTClient(),
	}
	p := &projections{informers: map[kindKey]toolscache.SharedIndexInformer{}}
	for _, k := range kinds {
		lw := toolscache.NewFilteredListWatchFromClient(clients[k.apiVersion], k.resource, metav1.NamespaceAll,
			func(o *metav1.ListOptions) { o.LabelSelector = managed.String() })
		inf := toolscache.NewSharedIndexInformerWithOptions(lw, k.example, toolscache.SharedIndexInformerOptions{ObjectDescription: k.name})
		if err := inf.SetTransform(k.project); err != nil {
			return nil, err
		}
		p.informers[kindKey{k.apiVersion, k.name}] = inf
	}
	return p, nil
}

// get is ref's projection; an error for a kind not kept (nothing can be
// told of it).
func (p *projections) get(ref deploy.Ref) (*projection, error) {
	inf, ok := p.informers[kindKey{ref.APIVersion, ref.Kind}]
	if !ok {
		return nil, fmt.Errorf("%s %s is not cached", ref.APIVersion, ref.Kind)
	}
	o, found, err := inf.GetIndexer().GetByKey(toolscache.NewObjectName(ref.Namespace, ref.Name).String())
	if err != nil || !found {
		return nil, err
	}
	return o.(*projection), nil
}

// watchSource runs the informers for the controller (a
// source.SyncingSource): they start with it, so a replica that is not
// the leader keeps nothing, and its workers start once they are synced.
type watchSource struct {
	p       *projections
	handler func(queue) toolscache.ResourceEventHandler
}

func (w watchSource) Start(ctx context.Context, q queue) error {
	for _, inf := range w.p.informers {
		if _, err := inf.AddEventHandler(w.handler(q)); err != nil {
			return fmt.Errorf("watching ferry's objects: %w", err)
		}
		go inf.RunWithContext(ctx)
	}
	return nil
}

func (w watchSource) WaitForSync(ctx context.Context) error {
	var synced []toolscache.InformerSynced
	for _, inf := range w.p.informers {
		synced = append(synced, inf.HasSynced)
	}
	if !toolscache.WaitForCacheSync(ctx.Done(), synced...) {
		return fmt.Errorf("listing ferry's objects: %w", ctx.Err())
	}
	return nil
}

func (w watchSource) String() string { return "ferry's objects" }

// objectEvents maps an event on an object ferry renders to its files.
// Only a change a drift check could see (ferry's fields, its digest, the
// generation, the object deleted) makes the check due; a status change
// of a Deployment reconciles for health alone, and other status changes
// not at all.
func (r *Reconciler) objectEvents(q queue) toolscache.ResourceEventHandler {
	return toolscache.ResourceEventHandlerFuncs{
		// An object created is not drift: ferry created it (when its
		// watch event beats the apply's answer, nothing can tell ferry's
		// own create from another's), or it is not ferry's at all. A
		// deleted one is. A Deployment's health still counts.
		AddFunc: func(o any) {
			p := o.(*projection)
			r.source.delivered(p)
			if p.rollout != nil {
				r.enqueue(p, false, q)
			}
		},
		DeleteFunc: func(o any) {
			if t, ok := o.(toolscache.DeletedFinalStateUnknown); ok {
				o = t.Obj
			}
			if p, ok := o.(*projection); ok {
				r.enqueue(p, true, q)
			}
		},
		UpdateFunc: func(old, cur any) {
			a, b := old.(*projection), cur.(*projection)
			r.source.delivered(b)
			switch {
			case changedForDrift(a, b):
				r.enqueue(b, true, q)
			case changedForHealth(a, b):
				r.enqueue(b, false, q)
			}
		},
	}
}

// changedForDrift: what a drift check compares changed. The Deployment
// controller's revision does not count: ferry never sets it.
func changedForDrift(a, b *projection) bool {
	return a.generation != b.generation || b.deleting || a.applied != b.applied || a.fields != b.fields || a.service != b.service
}

// changedForHealth: what deploy.Evaluate reads of a Deployment's status
// changed (condition times alone do not count).
func changedForHealth(a, b *projection) bool {
	if a.rollout == nil || b.rollout == nil {
		return false
	}
	sa, sb := a.rollout.status, b.rollout.status
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

// enqueue queues the files deploying p's service (found by the index of
// files: no request); drift marks their drift check due.
func (r *Reconciler) enqueue(p *projection, drift bool, q queue) {
	if p.service == "" {
		return
	}
	for _, f := range r.files.of(p.namespace, p.service) {
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
