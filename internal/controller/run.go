package controller

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"ferry.dev/ferry/internal/controller/migration"
	"ferry.dev/ferry/internal/controller/release"
	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/migrate"
)

// LeaseName is the Lease the replicas elect their leader with.
const LeaseName = "ferry-controller"

// Options are what Run needs. Zero durations take controller-runtime's
// defaults (a 15 s lease, renewed within 10 s, tried every 2 s).
type Options struct {
	Config *rest.Config
	// Namespace holds the leader election Lease.
	Namespace string
	// Identity names this replica (pod name, or host and pid).
	Identity string
	// LeaderElection is off only for a single replica run by hand.
	LeaderElection                            bool
	LeaseDuration, RenewDeadline, RetryPeriod time.Duration
	// MetricsAddr, HealthAddr and PprofAddr are the listen addresses of
	// the metrics, health and profiling endpoints; "" or "0" turns each off.
	MetricsAddr, HealthAddr, PprofAddr string
	Providers                          dns.Registry
	Logger                             *slog.Logger
	// Sensors replaces the HTTP probes of migrations (tests).
	Sensors func(migrate.Config) migrate.Sensors
	// Resync is how often a synced ServiceFile is checked for drift
	// (default release.DefaultResync); Workers how many files are
	// reconciled at once (default 8); Version is ferry's, written into
	// revisions.
	Resync  time.Duration
	Workers int
	Version string
}

// Run runs the reconcilers until ctx ends or this replica loses its
// leadership (an error: the process should exit and be restarted, as a
// Deployment's pod is, so that nothing runs without the lease).
func Run(ctx context.Context, o Options) error {
	mgr, err := NewManager(ctx, o)
	if err != nil {
		return err
	}
	o.Logger.Info("controller starting", "identity", o.Identity, "leaderElection", o.LeaderElection)
	if err := mgr.Start(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("running the controller: %w", err)
	}
	return nil
}

// NewManager builds the manager with every reconciler registered; ctx
// bounds the setup only.
func NewManager(ctx context.Context, o Options) (ctrl.Manager, error) {
	skipNameValidation := true
	o.Config = Counted(o.Config, func(verb, resource string) { requestCounter().WithLabelValues(verb, resource).Inc() })
	scheme, err := NewScheme()
	if err != nil {
		return nil, err
	}
	d := func(v time.Duration) *time.Duration {
		if v == 0 {
			return nil
		}
		return &v
	}
	lock, err := leaseLock(o)
	if err != nil {
		return nil, err
	}
	mgr, err := ctrl.NewManager(o.Config, ctrl.Options{
		Scheme: scheme, Logger: logr.FromSlogHandler(o.Logger.Handler()),
		LeaderElection: o.LeaderElection, LeaderElectionID: LeaseName,
		LeaderElectionNamespace: o.Namespace, LeaderElectionReleaseOnCancel: true,
		LeaderElectionResourceLockInterface: lock,
		LeaseDuration:                       d(o.LeaseDuration), RenewDeadline: d(o.RenewDeadline), RetryPeriod: d(o.RetryPeriod),
		Metrics:                metricsserver.Options{BindAddress: cmp.Or(o.MetricsAddr, "0")},
		HealthProbeBindAddress: cmp.Or(o.HealthAddr, "0"),
		PprofBindAddress:       cmp.Or(o.PprofAddr, "0"),
		// controller-runtime refuses a second controller of one name in a
		// process; tests run one manager after another.
		Controller: config.Controller{SkipNameValidation: &skipNameValidation},
		// ServiceFiles and Migrations, without managedFields (nothing reads
		// them from the cache); the objects ferry renders are kept apart,
		// as projections (package release).
		Cache: cache.Options{DefaultTransform: cache.TransformStripManagedFields()},
	})
	if err != nil {
		return nil, fmt.Errorf("creating the controller manager: %w", err)
	}
	if err := register(ctx, mgr, o, scheme); err != nil {
		return nil, err
	}
	return mgr, nil
}

// register adds the Migration and ServiceFile reconcilers to mgr.
func register(ctx context.Context, mgr ctrl.Manager, o Options, scheme *runtime.Scheme) error {
	direct, err := client.New(o.Config, client.Options{Scheme: scheme})
	if err != nil {
		return fmt.Errorf("creating a client: %w", err)
	}
	mr := &migration.Reconciler{
		Cached: mgr.GetClient(), Direct: direct, Providers: o.Providers, Identity: o.Identity,
		Events: mgr.GetEventRecorder("ferry-controller"), Logger: o.Logger, Sensors: o.Sensors,
	}
	if err := mr.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("setting up the Migration reconciler: %w", err)
	}
	rr := &release.Reconciler{
		Config: o.Config, Cached: mgr.GetClient(), Direct: direct, Events: mgr.GetEventRecorder("ferry-controller"),
		Logger: o.Logger, Version: o.Version, Resync: o.Resync, Workers: o.Workers,
	}
	if err := rr.SetupWithManager(ctx, mgr); err != nil {
		return fmt.Errorf("setting up the ServiceFile reconciler: %w", err)
	}
	return nil
}

// leaseLock is the Lease the replicas elect with, held under Identity (so
// "kubectl get lease" names the pod), rather than controller-runtime's
// host name and random suffix.
func leaseLock(o Options) (resourcelock.Interface, error) {
	cs, err := kubernetes.NewForConfig(o.Config)
	if err != nil {
		return nil, fmt.Errorf("creating a client: %w", err)
	}
	return resourcelock.New(resourcelock.LeasesResourceLock, o.Namespace, LeaseName,
		cs.CoreV1(), cs.CoordinationV1(), resourcelock.ResourceLockConfig{Identity: o.Identity})
}
