package release

import (
	"context"
	"log/slog"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/deploy"
	"ferry.dev/ferry/internal/kube"
	"ferry.dev/ferry/internal/render"
)

// who names the controller in the revisions it records.
const who = "ferry-controller"

// Reconciler keeps ServiceFile objects deployed; see the package comment.
type Reconciler struct {
	Config *rest.Config
	// Cached reads (the manager's client); Direct writes status.
	Cached client.Reader
	Direct client.Client
	Events events.EventRecorder
	Logger *slog.Logger
	// Version is ferry's version, written into each revision.
	Version string
	// Resync is how often a Synced file is checked for drift (default 1m).
	Resync time.Duration

	mu      sync.Mutex
	clients map[string]*kube.Client // by namespace
}

// SetupWithManager registers the reconciler; a change to a Deployment
// ferry manages reconciles the files naming it at once.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	if r.Resync == 0 {
		r.Resync = time.Minute
	}
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.ServiceFile{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		Watches(&appsv1.Deployment{}, handler.EnqueueRequestsFromMapFunc(r.filesOf)).
		Named("servicefile").
		Complete(r)
}

// filesOf maps a Deployment to the ServiceFiles of its namespace that
// have a service of its name (from the cache: no request).
func (r *Reconciler) filesOf(ctx context.Context, o client.Object) []reconcile.Request {
	if o.GetLabels()[render.ManagedByLabel] != render.ManagedBy {
		return nil
	}
	var list v1alpha1.ServiceFileList
	if err := r.Cached.List(ctx, &list, client.InNamespace(o.GetNamespace())); err != nil {
		return nil
	}
	var out []reconcile.Request
	for _, sf := range list.Items {
		if _, ok := sf.Spec.Services[o.GetName()]; ok {
			out = append(out, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(&sf)})
		}
	}
	return out
}

// Reconcile brings the ServiceFile req names to its file; its contract is
// in the package comment.
func (r *Reconciler) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	sf := &v1alpha1.ServiceFile{}
	if err := r.Cached.Get(ctx, req.NamespacedName, sf); err != nil {
		return reconcile.Result{}, client.IgnoreNotFound(err)
	}
	if !sf.DeletionTimestamp.IsZero() {
		return reconcile.Result{}, nil
	}
	before := sf.DeepCopy()
	f, err := Load(sf)
	if err != nil {
		invalid(&sf.Status, sf.Generation, err)
		return reconcile.Result{}, r.writeStatus(ctx, before, sf)
	}
	kc, err := r.client(sf.Namespace)
	if err != nil {
		return reconcile.Result{}, err
	}
	d, err := deploy.New(kc, sf.Name, r.Version, nil)
	if err != nil {
		invalid(&sf.Status, sf.Generation, err)
		return reconcile.Result{}, r.writeStatus(ctx, before, sf)
	}
	if err := r.sync(ctx, sf, d, f); err != nil {
		return reconcile.Result{}, err
	}
	health, msg, err := r.health(ctx, f)
	if err != nil {
		return reconcile.Result{}, err
	}
	setHealth(&sf.Status, sf.Generation, health, msg)
	if err := r.history(ctx, sf, d); err != nil {
		return reconcile.Result{}, err
	}
	if err := r.writeStatus(ctx, before, sf); err != nil {
		return reconcile.Result{}, err
	}
	if health == v1alpha1.HealthProgressing {
		return reconcile.Result{RequeueAfter: 2 * time.Second}, nil
	}
	return reconcile.Result{RequeueAfter: r.Resync}, nil
}

// client is the kube client of namespace ns, made once: its REST mapper
// discovers once and caches.
func (r *Reconciler) client(ns string) (*kube.Client, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.clients[ns]; ok {
		return c, nil
	}
	c, err := kube.ForConfig(r.Config, ns, who)
	if err != nil {
		return nil, err
	}
	if r.clients == nil {
		r.clients = map[string]*kube.Client{}
	}
	r.clients[ns] = c
	return c, nil
}

// writeStatus patches status when it changed.
func (r *Reconciler) writeStatus(ctx context.Context, before, sf *v1alpha1.ServiceFile) error {
	sf.Status.ObservedGeneration = sf.Generation
	if equalStatus(before.Status, sf.Status) {
		return nil
	}
	// Conditional on the resourceVersion read: a reconcile that read a
	// stale copy from the cache must not write its status over a newer
	// one (its lastDeploy, its revision); the conflict requeues it.
	err := r.Direct.Status().Patch(ctx, sf, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}))
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}
