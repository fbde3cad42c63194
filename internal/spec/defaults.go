package spec

import "time"

// Defaults for everything a file may leave out. They are the zero-downtime
// choices: a readiness-gated rolling update that never drops below the
// desired count, a pause before SIGTERM, and spreading over zones and hosts.
const (
	DefaultNamespace = "default"
	DefaultReplicas  = 2
	DefaultCPU       = "100m"
	DefaultMemory    = "128Mi"
	DefaultDNSTTL    = 60 * time.Second
	// DefaultExternalDNSPrefix is external-dns's annotation prefix since
	// v0.22 (before: "external-dns.alpha.kubernetes.io/").
	DefaultExternalDNSPrefix = "external-dns.kubernetes.io/"
	// DefaultTXTOwnerID is external-dns's --txt-owner-id when none is given.
	DefaultTXTOwnerID       = "default"
	DefaultPreStop          = 5 * time.Second
	DefaultTerminationGrace = 30 * time.Second
	DefaultMaxSurge         = "25%"
	DefaultMaxUnavailable   = "0"
	DefaultPDBMaxUnavail    = "1"
	DefaultMetricsPath      = "/metrics"
	DefaultProbePeriod      = 5 * time.Second
	DefaultProbeTimeout     = 2 * time.Second
	DefaultProbeFailures    = 3
	DefaultIssuerKind       = "ClusterIssuer"
	// DefaultRunIn keeps the work in the process that runs the command.
	DefaultRunIn = RunLocal

	DefaultProvider     = "ferry"
	DefaultHold         = 5 * time.Minute
	DefaultPromotion    = "auto"
	DefaultOnFailure    = "rollback"
	DefaultGateInterval = time.Second
	DefaultGateWindow   = 10 * time.Second
	DefaultSuccessRatio = 0.99
	DefaultP99Latency   = 500 * time.Millisecond
	DefaultMinRequests  = 3
	DefaultTTLMultiple  = 3
	DefaultDrainRate    = 0.1
	DefaultGateFailures = 3
	DefaultOnBothFail   = "pause"
	DefaultDNSRetryFor  = 2 * time.Minute
	DefaultLease        = time.Minute
	DefaultScheme       = "http"
	// DefaultServicePath is probed besides the health path, so a cluster
	// that answers its health check but nothing real fails its gate.
	DefaultServicePath = "/"
	// MinLease is the shortest ownership lease: it is renewed every third
	// of its length, and a shorter one could lapse while DNS is slow.
	MinLease = 15 * time.Second
)

// DefaultSteps are the cluster's weights, in percent, a migration moves through.
func DefaultSteps() []int { return []int{1, 10, 25, 50, 100} }

// Defaults of the metric gates, webhooks and notifications.
const (
	DefaultMetricWindow      = time.Minute
	DefaultMetricInterval    = 10 * time.Second
	DefaultInconclusiveLimit = 3
	DefaultWebhookTimeout    = 5 * time.Second
	DefaultWebhookRetries    = 2
	DefaultNotifyFormat      = "slack"
)
