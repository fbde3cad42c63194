package v1alpha1

// Migration configures how "ferry migrate" moves each service's domains from
// its legacy endpoint to the cluster. Every field has a default; a field
// that is written is used as written: an explicit zero means zero where that
// is meaningful ("hold: 0s") and is refused where it is not.
//
// +kubebuilder:validation:XValidation:rule="!has(self.steps) || size(self.steps) == 0 || (self.steps[size(self.steps) - 1] == 100 && self.steps.isSorted() && self.steps.all(x, self.steps.indexOf(x) == self.steps.lastIndexOf(x)))",message="steps must be strictly increasing and end at 100",fieldPath=".steps"
type Migration struct {
	DNS *DNSProvider `json:"dns,omitempty"`
	// TTL of the weighted records while they shift (default: the file's DNS TTL).
	TTL string `json:"ttl,omitempty"`
	// Steps are the cluster's weights in percent, strictly increasing and
	// ending at 100 (default [1, 10, 25, 50, 100]).
	//
	// +kubebuilder:validation:MaxItems=100
	// +kubebuilder:validation:items:Minimum=1
	// +kubebuilder:validation:items:Maximum=100
	Steps []int `json:"steps,omitempty"`
	// Hold is how long each step holds with gates passing (default "5m";
	// "0s" moves on as soon as the gates pass).
	Hold string `json:"hold,omitempty"`
	// Promotion is "auto" (default) or "manual" (wait for "ferry migrate
	// promote" after each step).
	//
	// +kubebuilder:validation:Enum=auto;manual
	Promotion string `json:"promotion,omitempty"`
	// OnFailure is "rollback" (default) or "pause" when the cluster's gate
	// fails while legacy's passes.
	//
	// +kubebuilder:validation:Enum=rollback;pause
	OnFailure string `json:"onFailure,omitempty"`
	// OnBothFailing is "pause" (default) or "rollback" when both sides fail
	// their gates: rolling back would move traffic onto a broken legacy.
	//
	// +kubebuilder:validation:Enum=rollback;pause
	OnBothFailing string `json:"onBothFailing,omitempty"`
	// Lease is how long the ownership lease stored with the domain's DNS
	// data lasts without renewal (default "1m", at least "15s"); it is
	// renewed every third of it.
	Lease string `json:"lease,omitempty"`
	Gates *Gates `json:"gates,omitempty"`
	// Webhooks are called around each step (Flagger-style): confirm-step
	// holds the next step until it answers 2xx, pre-step and post-step
	// count a failure against the cluster's gate, and a rollback webhook
	// that answers 2xx rolls back.
	Webhooks []Webhook `json:"webhooks,omitempty"`
	Drain    *Drain    `json:"drain,omitempty"`
	Parity   *Parity   `json:"parity,omitempty"`
}

// DNSProvider selects and configures the DNS provider that holds the domains.
//
// +kubebuilder:validation:XValidation:rule="!(has(self.tokenFile) && has(self.tokenSecretRef))",message="tokenFile and tokenSecretRef are exclusive: the token comes from one of them",fieldPath=".tokenSecretRef"
type DNSProvider struct {
	// Provider is "ferry" (ferry's own DNS server, the default),
	// "route53" (Amazon Route 53; credentials from the standard AWS chain)
	// or "external-dns" (DNSEndpoint objects the cluster's external-dns
	// publishes; the kubeconfig as kubectl finds it).
	Provider string `json:"provider,omitempty"`
	// Server is the provider's admin API ("http://127.0.0.1:8081"; ferry only).
	Server string `json:"server,omitempty"`
	// TokenFile holds the admin API's bearer token (ferry only).
	TokenFile string `json:"tokenFile,omitempty"`
	// TokenSecretRef names a Secret in the Migration's namespace, and its
	// key, that holds the admin API's bearer token instead of tokenFile:
	// read by ferry's controller only (ferry only, as tokenFile).
	TokenSecretRef *SecretKeyRef `json:"tokenSecretRef,omitempty"`
	// HostedZoneID is the Route 53 hosted zone that holds the domains
	// ("Z0123456789ABCDEFGHIJ"; route53 only). Default: for each name, the
	// account's hosted zone with the longest matching name.
	HostedZoneID string `json:"hostedZoneId,omitempty"`
	// Endpoint is Route 53's API address, for a local stand-in such as moto
	// ("http://127.0.0.1:5000"; route53 only). Default:
	// AWS_ENDPOINT_URL_ROUTE_53 when set, else AWS's own.
	Endpoint string `json:"endpoint,omitempty"`
	// Namespace is where ferry writes its DNSEndpoint objects
	// (external-dns only; default "default").
	Namespace string `json:"namespace,omitempty"`
	// Context is the kubeconfig context of the cluster running external-dns
	// (external-dns only; default: the current context).
	Context string `json:"context,omitempty"`
	// PublishesTo is the provider the cluster's external-dns runs with,
	// which decides the property weights travel in: "aws" (Route 53, the
	// default) or "webhook" (ferry's DNS server through "ferry dns
	// webhook"); external-dns only. With server and tokenFile (ferry's
	// server) or hostedZoneId/endpoint (Route 53), each step counts only
	// once it reads back there; otherwise once external-dns has read it.
	PublishesTo string `json:"publishesTo,omitempty"`
	// TXTOwnerID is the --txt-owner-id of the external-dns that publishes
	// ferry's DNSEndpoints (external-dns only; default "default", as
	// external-dns's). ferry adopts a record external-dns already
	// publishes only when its TXT registry record names this owner.
	TXTOwnerID string `json:"txtOwnerId,omitempty"`
	// TXTPrefix and TXTSuffix are that external-dns's --txt-prefix and
	// --txt-suffix (external-dns only; at most one), so ferry finds its
	// registry records.
	TXTPrefix string `json:"txtPrefix,omitempty"`
	TXTSuffix string `json:"txtSuffix,omitempty"`
	// RetryFor is how long a DNS change that fails transiently is retried
	// before the migration pauses with an alert (default "2m").
	RetryFor string `json:"retryFor,omitempty"`
}

// SecretKeyRef names one key of a Secret in the object's own namespace.
type SecretKeyRef struct {
	// Name is the Secret's name.
	//
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	Name string `json:"name"`
	// Key is the key of the Secret's data that holds the value.
	//
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[-._a-zA-Z0-9]+$`
	Key string `json:"key"`
}

// Gates are the health checks that must keep passing, measured on each side.
type Gates struct {
	// Interval between evaluations of each side (default "1s").
	Interval string `json:"interval,omitempty"`
	// Window is the sliding window the figures are computed over (default "10s").
	Window string `json:"window,omitempty"`
	// SuccessRatio is the lowest acceptable share of good answers (default 0.99).
	//
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=1
	SuccessRatio *float64 `json:"successRatio,omitempty"`
	// P99Latency is the highest acceptable 99th percentile (default "500ms").
	P99Latency string `json:"p99Latency,omitempty"`
	// MinRequests in the window before a gate can pass or fail (default 3).
	MinRequests *int `json:"minRequests,omitempty"`
	// Failures is how many evaluations in a row a side's window must fail
	// before ferry acts on it (default 3).
	//
	// +kubebuilder:validation:Minimum=1
	Failures *int `json:"failures,omitempty"`
	// Paths probed on each side (default: each service's health path and
	// "/", so a cluster that answers only its health check fails).
	Paths []string `json:"paths,omitempty"`
	// Metrics judge each side by its real traffic, from Prometheus: a
	// side passes only when its probes and its metric checks pass.
	Metrics *MetricGates `json:"metrics,omitempty"`
}

// MetricGates are Prometheus queries that judge each side by its real
// traffic. Queries may use the placeholders {{side}}, {{domain}},
// {{service}} and {{window}}.
type MetricGates struct {
	// Prometheus is the server's base URL (required).
	Prometheus string `json:"prometheus,omitempty"`
	// BearerTokenFile holds a token sent as "Authorization: Bearer".
	BearerTokenFile string `json:"bearerTokenFile,omitempty"`
	// CAFile is a PEM bundle the server's TLS certificate is checked against.
	CAFile string `json:"caFile,omitempty"`
	// Cluster and Legacy name a built-in metric shape for that side:
	// "ingress-nginx", "envoy-gateway" or "exporter". Each adds two checks,
	// success ratio (min gates.successRatio) and p99 latency (max
	// gates.p99Latency).
	Cluster string `json:"cluster,omitempty"`
	Legacy  string `json:"legacy,omitempty"`
	// Window is the range of rate() in the built-in queries (default "1m").
	Window string `json:"window,omitempty"`
	// Interval between evaluations (default "10s").
	Interval string `json:"interval,omitempty"`
	// Warmup is how long after a side starts carrying traffic (its first
	// step) an evaluation without data is not counted as inconclusive
	// (default: window).
	Warmup string `json:"warmup,omitempty"`
	// FailureLimit is how many failing evaluations of a side in a row make
	// ferry act (default: gates.failures).
	FailureLimit *int `json:"failureLimit,omitempty"`
	// InconclusiveLimit is how many evaluations in a row without an answer
	// (no data, NaN, an error) pause the migration with an alert (default 3).
	InconclusiveLimit *int `json:"inconclusiveLimit,omitempty"`
	// Queries are checks of your own.
	Queries []MetricQuery `json:"queries,omitempty"`
}

// MetricQuery is one check: a PromQL query returning one number, which
// must stay at least Min or at most Max (exactly one of them).
type MetricQuery struct {
	Name  string   `json:"name,omitempty"`
	Query string   `json:"query,omitempty"`
	Min   *float64 `json:"min,omitempty"`
	Max   *float64 `json:"max,omitempty"`
	// Sides the query judges (default both: [legacy, cluster]).
	Sides []string `json:"sides,omitempty"`
	// Interval and FailureLimit of this check (default: the metrics
	// block's interval and failureLimit).
	Interval     string `json:"interval,omitempty"`
	FailureLimit *int   `json:"failureLimit,omitempty"`
}

// Webhook is an HTTP endpoint ferry POSTs a JSON payload to.
type Webhook struct {
	Name string `json:"name,omitempty"`
	// Type is confirm-step, pre-step, post-step or rollback.
	Type string `json:"type,omitempty"`
	URL  string `json:"url,omitempty"`
	// SecretFile holds a shared secret sent in the X-Ferry-Secret header.
	SecretFile string `json:"secretFile,omitempty"`
	// Timeout of one call (default "5s").
	Timeout string `json:"timeout,omitempty"`
	// Retries of a call that failed to connect or answered 5xx (default 2).
	Retries *int `json:"retries,omitempty"`
}

// Notification is where ferry tells what happened: every stage change,
// step, alert, pause, rollback and end of a migration, and every deploy's
// success or failure. The URL is a secret: it comes from a file, an
// environment variable or (for the controller) a Secret, never from the
// service file.
//
// +kubebuilder:validation:XValidation:rule="(has(self.urlFile) ? 1 : 0) + (has(self.urlEnv) ? 1 : 0) + (has(self.urlSecretRef) ? 1 : 0) == 1",message="set one of urlFile, urlEnv and urlSecretRef: a webhook URL is a secret, kept out of the object"
type Notification struct {
	// Format is "slack" (default; Slack-compatible incoming webhooks) or
	// "json" (the event as JSON).
	//
	// +kubebuilder:validation:Enum=slack;json
	Format  string `json:"format,omitempty"`
	URLFile string `json:"urlFile,omitempty"`
	URLEnv  string `json:"urlEnv,omitempty"`
	// URLSecretRef names a Secret in the object's namespace, and its key,
	// that holds the URL: read by ferry's controller only (a local run
	// has no Secret to read, and says so).
	URLSecretRef *SecretKeyRef `json:"urlSecretRef,omitempty"`
}

// Drain decides when legacy may be switched off after cutover.
type Drain struct {
	// TTLMultiple is how many TTLs legacy stays up at least (default 3).
	TTLMultiple *int `json:"ttlMultiple,omitempty"`
	// LegacyTraffic, when set, must also stay under its threshold.
	LegacyTraffic *TrafficSource `json:"legacyTraffic,omitempty"`
}

// TrafficSource reports the request rate legacy still receives: either an
// HTTP URL whose body is a number, or a Prometheus server and query.
type TrafficSource struct {
	URL        string `json:"url,omitempty"`
	Prometheus string `json:"prometheus,omitempty"`
	Query      string `json:"query,omitempty"`
	// Threshold is the rate legacy's traffic must fall under (default 0.1).
	Threshold *float64 `json:"threshold,omitempty"`
}

// Parity compares legacy and cluster on the same requests during preview.
type Parity struct {
	// Paths requested from both sides (default: the gates' paths).
	Paths []string `json:"paths,omitempty"`
	// CompareBodies also compares the answers' bodies (default false).
	CompareBodies bool `json:"compareBodies,omitempty"`
}
