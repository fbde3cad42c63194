package controllerrun

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/version"
	"ferry.dev/ferry/internal/controller"
	"ferry.dev/ferry/internal/controller/release"
	"ferry.dev/ferry/internal/dns/providers"
	"ferry.dev/ferry/internal/kube"
)

type runOptions struct {
	kube                                      kube.Flags
	identity                                  string
	leaderElect                               bool
	leaseDuration, renewDeadline, retryPeriod time.Duration
	metricsAddr, healthAddr, pprofAddr        string
	resync                                    time.Duration
	workers                                   int
}

// NewCommand returns the controller's command, named name in its help
// (the name it was called by).
func NewCommand(streams clio.Streams, name string) *cobra.Command {
	o := &runOptions{}
	cmd := &cobra.Command{
		Use:   "ferry-controller",
		Short: "Run ferry's controller until interrupted (what the installed Deployment runs)",
		Example: "  ferry controller run --kubeconfig ~/.kube/config -n ferry-system\n" +
			"  ferry controller run --leader-elect=false   # one replica, by hand",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context(), streams) },
	}
	if name != cmd.Use {
		cmd.Annotations = map[string]string{cobra.CommandDisplayNameAnnotation: name}
	}
	cmd.CompletionOptions.DisableDefaultCmd = true
	f := cmd.Flags()
	o.kube.Add(f)
	f.StringVar(&o.identity, "identity", "", "this replica's name in the leader Lease and in status (default: $POD_NAME, else host and pid)")
	f.BoolVar(&o.leaderElect, "leader-elect", true, "elect a leader with a Lease in the namespace; only the leader reconciles")
	f.DurationVar(&o.leaseDuration, "lease-duration", 15*time.Second, "how long a leader's Lease lasts unrenewed (a killed leader is replaced after it)")
	f.DurationVar(&o.renewDeadline, "renew-deadline", 10*time.Second, "how long the leader tries to renew before it gives up leading")
	f.DurationVar(&o.retryPeriod, "retry-period", 2*time.Second, "how often replicas try to take or renew the Lease")
	f.StringVar(&o.metricsAddr, "metrics-addr", "0", `listen address of the Prometheus metrics ("0": off)`)
	f.StringVar(&o.healthAddr, "health-addr", "0", `listen address of /healthz and /readyz ("0": off)`)
	f.StringVar(&o.pprofAddr, "pprof-addr", "0", `listen address of Go's /debug/pprof profiles ("0": off)`)
	f.DurationVar(&o.resync, "resync", release.DefaultResync, "how often a synced ServiceFile is checked for drift besides every change of its objects (from the informer cache; the API server is asked only about what differs)")
	f.IntVar(&o.workers, "workers", 8, "how many ServiceFiles are reconciled at once")
	return cmd
}

func (o *runOptions) run(ctx context.Context, streams clio.Streams) error {
	tuneGC(os.Getenv)
	kc, err := o.kube.Connect()
	if err != nil {
		return clio.Usage(err)
	}
	host, _ := os.Hostname()
	identity := cmp.Or(o.identity, os.Getenv("POD_NAME"), fmt.Sprintf("%s pid %d", host, os.Getpid()))
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	err = controller.Run(ctx, controller.Options{
		Config: kc.Config, Namespace: kc.Namespace, Identity: identity,
		LeaderElection: o.leaderElect, LeaseDuration: o.leaseDuration, RenewDeadline: o.renewDeadline, RetryPeriod: o.retryPeriod,
		MetricsAddr: o.metricsAddr, HealthAddr: o.healthAddr, PprofAddr: o.pprofAddr, Resync: o.resync, Workers: o.workers, Version: version.Version,
		Providers: providers.Registry(), Logger: slog.New(slog.NewTextHandler(streams.ErrOut, nil)),
	})
	if err != nil {
		return clio.Failed(err)
	}
	return nil
}

// gcPercent is the controller's GOGC unless the environment sets one. Most
// of its heap is the informer cache, which lives as long as the process:
// collecting once the heap has grown by half of what is live, rather than
// by all of it, keeps the peak of a busy sync near three quarters of what
// it was (docs/benchmarks.md, "A smaller live heap"), for more CPU only
// while it allocates; idle, it allocates next to nothing.
const gcPercent = 50

// tuneGC sets gcPercent unless getenv has a GOGC.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}
