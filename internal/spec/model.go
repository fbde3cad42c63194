package spec

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"

	"ferry.dev/ferry/api/v1alpha1"
)

// File is a loaded, defaulted and valid service file.
type File struct {
	// Path is where the file was read from ("-" for standard input).
	Path string
	// Source is the file's bytes exactly as read.
	Source []byte
	// Services in name order.
	Services  []Service
	Migration Migration
	// Notifications receive migration and deploy events.
	Notifications []Notification
	// RunIn is where deploys and migrations of the file run.
	RunIn RunIn

	// pos is where each field was written, by path.
	pos positions
}

// Position returns where the field at path ("migration.steps",
// "services.api.domain") was written in the file, or, when it was not,
// its nearest written parent: a check made after loading points at the
// field responsible as Load's own problems do.
func (f *File) Position(path string) Pos { return lookup(f.pos, path) }

// Written reports whether the field at path was written in the file.
func (f *File) Written(path string) bool {
	_, ok := f.pos.at(path)
	return ok
}

// Problem is a Problem about the field at path, placed at its position.
func (f *File) Problem(path, format string, args ...any) Problem {
	return newProblem(f.Path, f.Position(path), path, fmt.Sprintf(format, args...))
}

// RunIn is where a command does its work: RunLocal or RunCluster.
type RunIn string

// Where commands run.
const (
	// RunLocal: the ferry process that runs the command does the work.
	RunLocal RunIn = "local"
	// RunCluster: the controller does it, from ServiceFile and Migration
	// objects the command creates and commands.
	RunCluster RunIn = "cluster"
)

// Service returns the service called name.
func (f *File) Service(name string) (Service, bool) {
	for _, s := range f.Services {
		if s.Name == name {
			return s, true
		}
	}
	return Service{}, false
}

// Service is one service with every default applied.
type Service struct {
	Name      string
	Namespace string
	Image     string
	Command   []string
	Args      []string
	// Port is 0 for a service that serves nothing (a worker).
	Port    int32
	Domains []string
	// Issuer is the cert-manager issuer for the domains; nil means no TLS.
	Issuer *v1alpha1.IssuerRef
	// IngressClass or Gateway routes the domains (never both).
	IngressClass string
	Gateway      *v1alpha1.GatewayRef
	Readiness    *Probe
	Liveness     *Probe
	Replicas     int32
	Requests     Resources
	Limits       Resources
	// Env in name order.
	Env         []EnvVar
	Secrets     []v1alpha1.SecretRef
	PullSecret  string
	MetricsPort int32
	MetricsPath string
	Rollout     Rollout
	// Disruption is nil when no PodDisruptionBudget is rendered.
	Disruption  *Disruption
	SpreadZones Spread
	SpreadHosts Spread
	Annotations map[string]string
	Labels      map[string]string
	DNSTTL      time.Duration
	// DNSPrefix is external-dns's annotation prefix ("external-dns.kubernetes.io/").
	DNSPrefix string
	Migration *ServiceMigration
}

// Resources are CPU and memory amounts; a nil amount is not set.
type Resources struct {
	CPU    *resource.Quantity
	Memory *resource.Quantity
}

// EnvVar is one plain environment variable.
type EnvVar struct{ Name, Value string }

// Probe checks the service's port: an HTTP GET of Path, or a TCP connect
// when Path is empty.
type Probe struct {
	Path             string
	Period           time.Duration
	Timeout          time.Duration
	InitialDelay     time.Duration
	FailureThreshold int32
}

// Rollout is how a Deployment replaces its pods.
type Rollout struct {
	MaxSurge         intstr.IntOrString
	MaxUnavailable   intstr.IntOrString
	PreStop          time.Duration
	TerminationGrace time.Duration
	MinReady         time.Duration
}

// Disruption is a PodDisruptionBudget: exactly one field is set.
type Disruption struct {
	MaxUnavailable *intstr.IntOrString
	MinAvailable   *intstr.IntOrString
}

// Spread is how strongly pods are spread over a topology.
type Spread string

// Spread strengths.
const (
	SpreadPreferred Spread = "preferred"
	SpreadRequired  Spread = "required"
	SpreadOff       Spread = "off"
)

// ServiceMigration is where a service's traffic moves from and to, and
// what is probed on each side. The probed paths and scheme depend on the
// service (its health path, its TLS), so they are resolved here, per
// service, with the file's migration settings applied.
type ServiceMigration struct {
	// Domain is the name whose records move (the service's first domain).
	Domain        string
	PreviewDomain string
	Legacy        Endpoint
	Cluster       Endpoint
	// GatePaths are probed on each side: migration.gates.paths, or the
	// service's health path and "/", without repeats.
	GatePaths []string
	// ParityPaths are compared in preview: migration.parity.paths, or
	// GatePaths.
	ParityPaths []string
	// Scheme is "https" when the service's domains have TLS, else "http".
	Scheme string
}

// Endpoint is an IP address or host name with an optional port (0: the
// scheme's default).
type Endpoint struct {
	Address string
	Port    int
	// Alias, when set, publishes the side as a Route 53 alias to Address.
	Alias *Alias
}

// Migration is the file-wide migration settings, every one set: written in
// the file or defaulted here. Nothing downstream fills in a value.
type Migration struct {
	Provider  string
	Server    string
	TokenFile string
	// TokenSecret names the Secret (in the Migration's namespace) that
	// holds the token instead of TokenFile; read by the controller only.
	TokenSecret *SecretKeyRef
	// DNSSettings are the provider's own settings, keyed as its
	// constructor takes them (route53: hostedZoneId, endpoint); nil when
	// there are none.
	DNSSettings map[string]string
	// PlainCutover: the cutover leaves one plain record for the cluster,
	// where the provider tells plain and weighted records apart (route53).
	PlainCutover bool
	// RetryFor is how long a transiently failing DNS change is retried.
	RetryFor time.Duration
	TTL      time.Duration
	// Steps are the cluster weights in percent, strictly increasing, last 100.
	Steps []int
	// Hold is 0 when the file says "hold: 0s": no hold.
	Hold          time.Duration
	Promotion     string
	OnFailure     string
	OnBothFailing string
	// Lease is the ownership lease's length, at least MinLease.
	Lease    time.Duration
	Gates    Gates
	Drain    Drain
	Parity   Parity
	Webhooks []Webhook
}

// Gates are the per-side health thresholds. The paths probed are per
// service: ServiceMigration.GatePaths.
type Gates struct {
	Interval     time.Duration
	Window       time.Duration
	SuccessRatio float64
	P99Latency   time.Duration
	MinRequests  int
	// Failures is how many evaluations in a row must fail before ferry acts.
	Failures int
	// Metrics is nil when no metric gate is configured.
	Metrics *MetricGates
}

// Drain decides when legacy may be switched off.
type Drain struct {
	TTLMultiple   int
	LegacyTraffic *TrafficSource
}

// TrafficSource reports legacy's remaining request rate.
type TrafficSource struct {
	URL        string
	Prometheus string
	Query      string
	Threshold  float64
}

// Parity compares both sides during preview. The paths compared are per
// service: ServiceMigration.ParityPaths.
type Parity struct {
	CompareBodies bool
}

// Alias is a Route 53 alias target's zone and health setting; its DNS name
// is the endpoint's Address.
type Alias struct {
	HostedZoneID         string
	EvaluateTargetHealth bool
}

// SecretKeyRef names one key of a Secret in the namespace of the object
// that names it.
type SecretKeyRef struct {
	Name string `json:"name"`
	Key  string `json:"key"`
}
