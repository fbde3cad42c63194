package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"sync"
	"time"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/server"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/spec"
)

// The demo's names.
const (
	Zone          = "demo.test"
	Domain        = "api.demo.test"
	PreviewDomain = "api.k8s.demo.test"
)

// Options shape a demo run; zero values take the defaults.
type Options struct {
	// FailAt makes the cluster fail once its weight reaches this percent
	// (0: never).
	FailAt int
	// Hold is each step's hold (default 15s); TTL the records' TTL
	// (default 3s, whole seconds).
	Hold time.Duration
	TTL  time.Duration
	// Steps are the cluster weights (default 1, 10, 25, 50, 100).
	Steps []int
	// Rate is the total client requests per second (default 800) spread
	// over Workers clients (default 32), each with its own DNS cache.
	Rate    int
	Workers int
	// Interval is the gate probe interval (default 1s).
	Interval time.Duration
	// P99Latency is the gates' p99 limit (default ferry's, 200ms).
	P99Latency time.Duration
	// Prometheus, when set, is a Prometheus that scrapes the backends'
	// /metrics (jobs api-legacy and api-cluster, see Jobs): the migration
	// then runs with metric gates too. TargetsFile, when set, is where
	// the backends are written as a file_sd_configs target file; Targets,
	// when set, is told them once the backends listen.
	Prometheus  string
	TargetsFile string
	// Port is the backends' port on 127.0.0.2 and 127.0.0.3 (0: any free
	// one), for a Prometheus scrape configuration written by hand.
	Port    int
	Targets func(map[string]string)
	// Logger receives the executor's decisions; nil discards them.
	Logger *slog.Logger
	// Progress, when set, is called on every timeline event and once a
	// second.
	Progress func(Progress)
	// StateDir, when set, is where the migration's state, lock and command
	// queue live (the caller owns it: a dashboard reads and steers the
	// migration there); by default a temporary directory the demo removes.
	StateDir string
	// Ready, when set, is called once the DNS server and backends run; the
	// migration starts when it returns.
	Ready func(Ready)
}

// Ready is what a caller may want to reach while the demo runs.
type Ready struct {
	// DNSAddr is the UDP address of the demo's DNS server.
	DNSAddr string
	// StateDir holds the migration's state (see Options.StateDir).
	StateDir string
}

// Progress is the demo's state for a live view.
type Progress struct {
	Elapsed  time.Duration
	State    migrate.State
	Event    *migrate.Event // set when a timeline event just happened
	Requests int
	Failed   int
	PerSide  map[string]int
	// Stages are the requests so far per DNS stage, as the summary's.
	Stages []StageSummary
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&o.Hold, 15*time.Second)
	def(&o.TTL, 3*time.Second)
	def(&o.Interval, time.Second)
	def(&o.P99Latency, spec.DefaultP99Latency)
	if o.Steps == nil {
		o.Steps = []int{1, 10, 25, 50, 100}
	}
	if o.Rate == 0 {
		o.Rate = 800
	}
	if o.Workers == 0 {
		o.Workers = 32
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return o
}

// Validate reports bad options, each naming its flag.
func (o Options) Validate() error {
	var errs []error
	if o.FailAt < 0 || o.FailAt > 100 {
		errs = append(errs, fmt.Errorf("--fail-at: %d is out of range (0-100)", o.FailAt))
	}
	if o.Rate < 0 || o.Workers < 0 {
		errs = append(errs, errors.New("--rate and --workers must not be negative"))
	}
	if o.TTL%time.Second != 0 || o.TTL < 0 {
		errs = append(errs, fmt.Errorf("--ttl: %v must be whole seconds", o.TTL))
	}
	if o.Hold < 0 || o.Interval < 0 {
		errs = append(errs, errors.New("--hold and --interval must not be negative"))
	}
	return errors.Join(errs...)
}

// Run performs the whole demo and returns its summary. It fails only when
// the demo itself cannot run; a rolled-back migration is a result.
func Run(ctx context.Context, opt Options) (*Summary, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	opt = opt.withDefaults()
	dir, err := os.MkdirTemp("", "ferry-demo-")
	if err != nil {
		return nil, fmt.Errorf("creating the demo's directory: %w", err)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	srv, err := startDNS(ctx, dir, opt)
	if err != nil {
		return nil, err
	}
	defer func() { _ = srv.Close() }()
	legacy, cluster, port, err := startBackends(ctx, opt.Port)
	if err != nil {
		return nil, err
	}
	defer func() { _, _ = legacy.close(), cluster.close() }()
	d := &run{opt: opt, srv: srv, legacy: legacy, cluster: cluster, port: port, stats: newStats(), start: time.Now()}
	return d.run(ctx, dir)
}

func startDNS(ctx context.Context, dir string, opt Options) (*server.Server, error) {
	srv, err := server.New(ctx, server.Config{
		Zones: []server.Zone{server.DefaultZone(Zone)}, DataDir: dir + "/dns",
		DNSAddr: "127.0.0.1:0", Logger: opt.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("creating the DNS server: %w", err)
	}
	if err := srv.Start(ctx); err != nil {
		return nil, fmt.Errorf("starting the DNS server: %w", err)
	}
	// Today's state: the domain answers with legacy alone.
	err = srv.Replace(ctx, dns.RecordSet{Name: Domain + ".", Type: dns.TypeA, TTL: uint32(opt.TTL / time.Second),
		Sets: []dns.WeightedSet{{ID: "default", Weight: 1, Values: []string{"127.0.0.2"}}}}, dns.Always())
	if err != nil {
		_ = srv.Close()
		return nil, fmt.Errorf("seeding %s: %w", Domain, err)
	}
	return srv, nil
}

// run is one demo in progress.
type run struct {
	opt             Options
	srv             *server.Server
	legacy, cluster *backend
	port            int
	stats           *stats
	start           time.Time

	mu          sync.Mutex
	last        migrate.State
	events      int
	failStarted time.Time
}

func (d *run) config() migrate.Config {
	ep := func(ip string) string { return net.JoinHostPort(ip, strconv.Itoa(d.port)) }
	return migrate.Config{
		Service: "api", Domain: Domain, PreviewDomain: PreviewDomain,
		Legacy: ep("127.0.0.2"), Cluster: ep("127.0.0.3"),
		TTL: d.opt.TTL, Steps: d.opt.Steps, Hold: d.opt.Hold,
		Promotion: migrate.PromotionAuto, OnFailure: migrate.OnFailureRollback, OnBothFailing: migrate.OnFailurePause,
		Gates: migrate.Gates{
			Interval: d.opt.Interval, Window: 10 * time.Second, MinRequests: 3, Failures: spec.DefaultGateFailures,
			SuccessRatio: spec.DefaultSuccessRatio, P99Latency: d.opt.P99Latency, Paths: []string{"/"}, Scheme: "http",
		},
		Drain:  migrate.Drain{TTLMultiple: 3, TrafficURL: "http://" + ep("127.0.0.2") + ratePath, Threshold: 0},
		Parity: migrate.Parity{Paths: []string{"/"}},
		DNS:    migrate.DNS{Provider: "ferry", RetryFor: spec.DefaultDNSRetryFor},
		Lease:  spec.DefaultLease,
	}
}
