package migrate

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"ferry.dev/ferry/internal/dns"
)

// Promotion says who moves the weight on after a step's hold.
type Promotion string

// Promotion modes.
const (
	PromotionAuto   Promotion = "auto"
	PromotionManual Promotion = "manual"
)

// OnFailure says what a failing cluster gate does.
type OnFailure string

// Failure policies.
const (
	OnFailureRollback OnFailure = "rollback"
	OnFailurePause    OnFailure = "pause"
)

// Config is everything one migration of one domain needs. It is stored in
// the State when the migration starts, so a restarted migration follows the
// plan it started with even if the service file changed meanwhile.
type Config struct {
	Service       string        `json:"service"`
	Domain        string        `json:"domain"`
	PreviewDomain string        `json:"previewDomain,omitempty"`
	Legacy        string        `json:"legacy"`  // host or IP, optional :port
	Cluster       string        `json:"cluster"` // host or IP, optional :port
	TTL           time.Duration `json:"ttl"`
	Steps         []int         `json:"steps"`
	Hold          time.Duration `json:"hold"`
	Promotion     Promotion     `json:"promotion"`
	OnFailure     OnFailure     `json:"onFailure"`
	Gates         Gates         `json:"gates"`
	Drain         Drain         `json:"drain"`
	Parity        Parity        `json:"parity"`
	DNS           DNS           `json:"dns"`
}

// Gates are the thresholds each side's probes are judged by.
type Gates struct {
	Interval     time.Duration `json:"interval"`
	Window       time.Duration `json:"window"`
	SuccessRatio float64       `json:"successRatio"`
	P99Latency   time.Duration `json:"p99Latency"`
	MinRequests  int           `json:"minRequests"`
	// Failures is how many bad cluster probes in a row, while the window
	// fails its thresholds, it takes to act (roll back or pause).
	Failures int    `json:"failures"`
	Path     string `json:"path"`
	Scheme   string `json:"scheme"` // http or https
}

// Drain says how long legacy keeps serving after its record is removed.
type Drain struct {
	TTLMultiple int `json:"ttlMultiple"`
	// LegacyTraffic, when set, is a source of legacy's request rate that
	// must stay under Threshold before the migration is done.
	TrafficURL string  `json:"trafficURL,omitempty"`
	Prometheus string  `json:"prometheus,omitempty"`
	Query      string  `json:"query,omitempty"`
	Threshold  float64 `json:"threshold,omitempty"`
}

// HasTrafficSource reports whether a legacy traffic source is configured.
func (d Drain) HasTrafficSource() bool { return d.TrafficURL != "" || d.Prometheus != "" }

// Parity is the preview stage's comparison of both sides.
type Parity struct {
	Paths         []string `json:"paths"`
	CompareBodies bool     `json:"compareBodies"`
}

// DNS names the provider that holds the domain.
type DNS struct {
	Provider  string `json:"provider"`
	Server    string `json:"server,omitempty"`
	TokenFile string `json:"tokenFile,omitempty"`
}

// MaxTTL is the largest TTL a record may have: 2^31-1 seconds (RFC 2181
// §8). Validate refuses more, so the TTL always fits the uint32 of a record.
const MaxTTL = (1<<31 - 1) * time.Second

// Providers are the DNS providers ferry knows, by name.
var knownProviders = map[string]bool{"ferry": true}

// Defaults fills every unset field with ferry's defaults and returns cfg.
func Defaults(cfg Config) Config {
	setDur(&cfg.TTL, 30*time.Second)
	if cfg.Steps == nil {
		cfg.Steps = []int{1, 10, 25, 50, 100}
	}
	setDur(&cfg.Hold, 2*time.Minute)
	if cfg.Promotion == "" {
		cfg.Promotion = PromotionAuto
	}
	if cfg.OnFailure == "" {
		cfg.OnFailure = OnFailureRollback
	}
	g := &cfg.Gates
	setDur(&g.Interval, time.Second)
	setDur(&g.Window, 10*time.Second)
	setDur(&g.P99Latency, 500*time.Millisecond)
	if g.SuccessRatio == 0 {
		g.SuccessRatio = 0.99
	}
	if g.MinRequests == 0 {
		g.MinRequests = 3
	}
	if g.Failures == 0 {
		g.Failures = 2
	}
	if g.Path == "" {
		g.Path = "/"
	}
	if g.Scheme == "" {
		g.Scheme = "http"
	}
	if cfg.Drain.TTLMultiple == 0 {
		cfg.Drain.TTLMultiple = 3
	}
	if cfg.Parity.Paths == nil {
		cfg.Parity.Paths = []string{g.Path}
	}
	if cfg.DNS.Provider == "" {
		cfg.DNS.Provider = "ferry"
	}
	return cfg
}

func setDur(d *time.Duration, def time.Duration) {
	if *d == 0 {
		*d = def
	}
}

// Validate returns every problem with cfg at once, each naming its field.
func (cfg Config) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
	}
	if cfg.Domain == "" {
		bad("domain", "must not be empty")
	}
	if cfg.Legacy == "" {
		bad("legacy.address", "the legacy endpoint is required")
	}
	if cfg.Cluster == "" {
		bad("cluster.address", "the cluster endpoint is required")
	}
	if cfg.Legacy != "" && cfg.Cluster != "" {
		if _, err := RecordType(cfg.Legacy, cfg.Cluster); err != nil {
			bad("cluster.address", "%v", err)
		}
	}
	if cfg.PreviewDomain != "" && dns.CanonicalName(cfg.PreviewDomain) == dns.CanonicalName(cfg.Domain) {
		bad("previewDomain", "must differ from the domain %q", cfg.Domain)
	}
	errs = append(errs, validateSteps(cfg.Steps)...)
	errs = append(errs, cfg.validateTimes()...)
	if cfg.Promotion != PromotionAuto && cfg.Promotion != PromotionManual {
		bad("promotion", "%q: want auto or manual", cfg.Promotion)
	}
	if cfg.OnFailure != OnFailureRollback && cfg.OnFailure != OnFailurePause {
		bad("onFailure", "%q: want rollback or pause", cfg.OnFailure)
	}
	if !knownProviders[cfg.DNS.Provider] {
		bad("dns.provider", "unknown provider %q (known: ferry)", cfg.DNS.Provider)
	}
	return errors.Join(errs...)
}

func validateSteps(steps []int) []error {
	var errs []error
	if len(steps) == 0 {
		return []error{errors.New("steps: must hold at least one step")}
	}
	for i, w := range steps {
		switch {
		case w < 0 || w > 100:
			errs = append(errs, fmt.Errorf("steps[%d]: %d is out of range (0-100)", i, w))
		case i > 0 && w <= steps[i-1]:
			errs = append(errs, fmt.Errorf("steps[%d]: %d does not increase on %d", i, w, steps[i-1]))
		}
	}
	if last := steps[len(steps)-1]; last != 100 {
		errs = append(errs, fmt.Errorf("steps[%d]: the last step must be 100, not %d", len(steps)-1, last))
	}
	return errs
}

func (cfg Config) validateTimes() []error {
	var errs []error
	positive := map[string]time.Duration{
		"ttl": cfg.TTL, "hold": cfg.Hold, "gates.interval": cfg.Gates.Interval,
		"gates.window": cfg.Gates.Window, "gates.p99Latency": cfg.Gates.P99Latency,
	}
	for _, f := range []string{"ttl", "hold", "gates.interval", "gates.window", "gates.p99Latency"} {
		if positive[f] <= 0 {
			errs = append(errs, fmt.Errorf("%s: %v must be positive", f, positive[f]))
		}
	}
	if cfg.TTL%time.Second != 0 {
		errs = append(errs, fmt.Errorf("ttl: %v must be whole seconds", cfg.TTL))
	}
	if cfg.TTL > MaxTTL {
		errs = append(errs, fmt.Errorf("ttl: %v is over the largest DNS TTL, %v (2^31-1 s, RFC 2181)", cfg.TTL, MaxTTL))
	}
	g := cfg.Gates
	if g.SuccessRatio <= 0 || g.SuccessRatio > 1 {
		errs = append(errs, fmt.Errorf("gates.successRatio: %v is out of range (0-1]", g.SuccessRatio))
	}
	if g.MinRequests < 1 {
		errs = append(errs, fmt.Errorf("gates.minRequests: %d must be at least 1", g.MinRequests))
	}
	if g.Failures < 1 {
		errs = append(errs, fmt.Errorf("gates.failures: %d must be at least 1", g.Failures))
	}
	if g.Scheme != "http" && g.Scheme != "https" {
		errs = append(errs, fmt.Errorf("gates.scheme: %q: want http or https", g.Scheme))
	}
	if cfg.Drain.TTLMultiple < 1 {
		errs = append(errs, fmt.Errorf("drain.ttlMultiple: %d must be at least 1", cfg.Drain.TTLMultiple))
	}
	if cfg.Drain.Prometheus != "" && cfg.Drain.Query == "" {
		errs = append(errs, errors.New("drain.legacyTraffic.query: required with prometheus"))
	}
	return errs
}

// SplitEndpoint splits "host[:port]" into its host and port (0 when absent).
func SplitEndpoint(ep string) (string, int, error) {
	host, port, err := net.SplitHostPort(ep)
	if err != nil {
		// No port: a bare host, IPv4 or IPv6 address.
		return strings.Trim(ep, "[]"), 0, nil //nolint:nilerr // absent port is fine
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 1 || p > 65535 {
		return "", 0, fmt.Errorf("%q: port %q is not a number in 1-65535", ep, port)
	}
	return host, p, nil
}

// RecordType is the DNS type both endpoints are published as: A or AAAA for
// addresses, CNAME for host names. Both must be of the same kind, because
// one weighted record set has one type.
func RecordType(legacy, cluster string) (string, error) {
	lt, err := endpointType(legacy)
	if err != nil {
		return "", err
	}
	ct, err := endpointType(cluster)
	if err != nil {
		return "", err
	}
	if lt != ct {
		return "", fmt.Errorf("legacy %q is published as %s but cluster %q as %s; both must be addresses of one family or both host names", legacy, lt, cluster, ct)
	}
	return lt, nil
}

func endpointType(ep string) (string, error) {
	host, _, err := SplitEndpoint(ep)
	if err != nil {
		return "", err
	}
	if host == "" {
		return "", fmt.Errorf("%q: no host", ep)
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if a.Is4() {
			return dns.TypeA, nil
		}
		return dns.TypeAAAA, nil
	}
	return dns.TypeCNAME, nil
}
