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
	Lease  string  `json:"lease,omitempty"`
	Gates  *Gates  `json:"gates,omitempty"`
	Drain  *Drain  `json:"drain,omitempty"`
	Parity *Parity `json:"parity,omitempty"`
}

// DNSProvider selects and configures the DNS provider that holds the domains.
type DNSProvider struct {
	// Provider is "ferry" (ferry's own DNS server, the default).
	Provider string `json:"provider,omitempty"`
	// Server is the provider's admin API ("http://127.0.0.1:8081").
	Server string `json:"server,omitempty"`
	// TokenFile holds the admin API's bearer token.
	TokenFile string `json:"tokenFile,omitempty"`
	// RetryFor is how long a DNS change that fails transiently is retried
	// before the migration pauses with an alert (default "2m").
	RetryFor string `json:"retryFor,omitempty"`
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
