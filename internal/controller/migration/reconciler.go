package migration

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/controller/migstore"
	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/migrate"
)

// Reconciler runs Migration objects; see the package comment for its
// contract. Add it to a manager with SetupWithManager.
type Reconciler struct {
	// Cached reads the objects (the manager's client); Direct writes them
	// and reads what must be fresh.
	Cached client.Reader
	Direct client.Client
	// Providers builds DNS providers by name (providers.Registry()).
	Providers dns.Registry
	// Identity names this replica in status.holder and the ownership
	// lease ("ferry-controller-7d9f pid 12").
	Identity string
	Events   events.EventRecorder
	Logger   *slog.Logger
	// Sensors, when set, measures both sides instead of HTTP probes.
	Sensors func(migrate.Config) migrate.Sensors

	locks   locks
	mu      sync.Mutex
	runs    map[types.NamespacedName]context.CancelFunc
	base    context.Context
	started chan struct{}
	requeue chan event.TypedGenericEvent[*v1alpha1.MigrationResource]
}

// SetupWithManager registers the reconciler and its runners with mgr. The
// runners live in the manager's leader-elected context.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	r.runs = map[types.NamespacedName]context.CancelFunc{}
	r.started = make(chan struct{})
	r.requeue = make(chan event.TypedGenericEvent[*v1alpha1.MigrationResource], 64)
	if err := mgr.Add(r); err != nil {
		return err
	}
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.MigrationResource{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WatchesRawSource(source.Channel(r.requeue, &handler.TypedEnqueueRequestForObject[*v1alpha1.MigrationResource]{})).
		Named("migration").
		Complete(r)
}

// Start keeps the manager's context for the runners until it ends
// (manager.Runnable; it needs leader election, as runnables do by default).
func (r *Reconciler) Start(ctx context.Context) error {
	r.mu.Lock()
	r.base = ctx
	r.mu.Unlock()
	close(r.started)
	<-ctx.Done()
	return nil
}

// Reconcile runs the Migration req names one step further; its contract is
// in the package comment.
func (r *Reconciler) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	m := &v1alpha1.MigrationResource{}
	if err := r.Cached.Get(ctx, req.NamespacedName, m); err != nil {
		if apierrors.IsNotFound(err) {
			r.stop(req.NamespacedName)
			return reconcile.Result{}, nil
		}
		return reconcile.Result{}, err
	}
	if !m.DeletionTimestamp.IsZero() {
		r.stop(req.NamespacedName)
		return reconcile.Result{}, nil
	}
	if r.running(req.NamespacedName) || ended(m) {
		return reconcile.Result{}, nil
	}
	cfg, err := migstore.ConfigFor(m)
	if err != nil {
		return reconcile.Result{}, r.condition(ctx, m, condValid, false, "Invalid", err.Error())
	}
	if err := r.condition(ctx, m, condValid, true, "Valid", "the settings are valid"); err != nil {
		return reconcile.Result{}, err
	}
	select {
	case <-r.started:
	case <-ctx.Done():
		return reconcile.Result{}, ctx.Err()
	}
	r.launch(req.NamespacedName, cfg, m.Spec.Notifications)
	return reconcile.Result{}, nil
}

// ended reports whether m's migration is over for good: a terminal stage,
// except an abort a rollback command waits for.
func ended(m *v1alpha1.MigrationResource) bool {
	if !migrate.Stage(m.Status.Stage).Terminal() {
		return false
	}
	if migrate.Stage(m.Status.Stage) != migrate.StageAborted {
		return true
	}
	return !slices.ContainsFunc(m.Spec.Commands, func(c v1alpha1.MigrationCommand) bool {
		return c.Kind == string(migrate.Rollback) && !slices.Contains(m.Status.Acknowledged, c.Name)
	})
}

func (r *Reconciler) running(key types.NamespacedName) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.runs[key]
	return ok
}

func (r *Reconciler) stop(key types.NamespacedName) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if cancel, ok := r.runs[key]; ok {
		cancel()
		delete(r.runs, key)
	}
}

// retryLater requeues key after d, from a runner.
func (r *Reconciler) retryLater(ctx context.Context, key types.NamespacedName, d time.Duration) {
	go func() {
		select {
		case <-ctx.Done():
		case <-time.After(d):
			m := &v1alpha1.MigrationResource{}
			m.Namespace, m.Name = key.Namespace, key.Name
			select {
			case r.requeue <- event.TypedGenericEvent[*v1alpha1.MigrationResource]{Object: m}:
			case <-ctx.Done():
			}
		}
	}()
}
