package release

import (
	"cmp"
	"context"
	"log/slog"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/deploy"
	"ferry.dev/ferry/internal/kube"
)

// DefaultResync is how often a synced file is checked for drift when
// nothing it deploys changed. Every change of an object ferry renders
// makes the check due at once (the informers miss none), so the timer is a
// backstop; each check costs a render and a comparison of every object:
// 7.5 ms of CPU for five services, measured at N=200 with a 1 m resync
// (hack/bench/controller.sh). At 1000 files that is 12.5% of a core with
// a minute, 1.25% with ten, 0.4% with thirty.
const DefaultResync = 30 * time.Minute

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
	// Resync is how often a Synced file is checked for drift (default
	// DefaultResync).
	Resync time.Duration
	// Workers is how many files are reconciled at once (default 8).
	Workers int

	mu      sync.Mutex
	clients map[string]*kube.Client // by namespace
	source  cacheSource
	files   fileIndex
	due     dueChecks
}

// SetupWithManager registers the reconciler; a change to an object ferry
// manages reconciles the files naming its service at once.
func (r *Reconciler) SetupWithManager(ctx context.Context, mgr ctrl.Manager) error {
	r.Resync = cmp.Or(r.Resync, DefaultResync)
	objects, err := newProjections(r.Config)
	if err != nil {
		return err
	}
	r.source = cacheSource{objects: objects, written: &written{}}
	if err := r.files.keep(ctx, mgr.GetCache()); err != nil {
		return err
	}
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.ServiceFile{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WithOptions(controller.Options{MaxConcurrentReconciles: cmp.Or(r.Workers, 8)}).
		WatchesRawSource(watchSource{p: objects, handler: r.objectEvents}).
		Named("servicefile").
		Complete(r)
}

// Reconcile brings the ServiceFile req names to its file; its contract is
// in the package comment.
func (r *Reconciler) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	sf := &v1alpha1.ServiceFile{}
	if err := r.Cached.Get(ctx, req.NamespacedName, sf); err != nil {
		if apierrors.IsNotFound(err) {
			r.due.forget(req.NamespacedName)
		}
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
	d, err := deploy.New(kc, sf.Name, r.Version, r.source.written.note)
	if err != nil {
		invalid(&sf.Status, sf.Generation, err)
		return reconcile.Result{}, r.writeStatus(ctx, before, sf)
	}
	d.ReadLiveFrom(r.source)
	due := r.due.take(req.NamespacedName, time.Now(), r.Resync)
	if err := r.sync(ctx, sf, d, f, due); err != nil {
		if due { // not done: due again at the retry
			r.due.mark(req.NamespacedName)
		}
		return reconcile.Result{}, err
	}
	health, msg, err := r.health(ctx, f)
	if err != nil {
		return reconcile.Result{}, err
	}
	setHealth(&sf.Status, sf.Generation, health, msg)
	// An apply sets the history; it is read here only when status has
	// none yet (written by an older controller).
	if len(sf.Status.History) == 0 && sf.Status.Revision > 0 {
		if err := r.history(ctx, sf, d); err != nil {
			return reconcile.Result{}, err
		}
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
