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
	"ferry.dev/ferry/internal/gate"
	"ferry.dev/ferry/internal/spec"
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
//
// Every field is set by its producer (spec, through FromSpec, or a test):
// the engine never fills in a default. A zero means zero where zero is
// meaningful (Hold: no hold) and is refused by Validate where it is not.
type Config struct {
	Service       string `json:"service"`
	Domain        string `json:"domain"`
	PreviewDomain string `json:"previewDomain,omitempty"`
	Legacy        string `json:"legacy"`  // host or IP, optional :port
	Cluster       string `json:"cluster"` // host or IP, optional :port
	// LegacyAlias and ClusterAlias, when set, are the Route 53 alias
	// targets (dns.Alias.String form) a side is published as instead of
	// its endpoint's address; the record is then an A record.
	LegacyAlias  string        `json:"legacyAlias,omitempty"`
	ClusterAlias string        `json:"clusterAlias,omitempty"`
	TTL          time.Duration `json:"ttl"`
	Steps        []int         `json:"steps"`
	Hold         time.Duration `json:"hold"`
	Promotion    Promotion     `json:"promotion"`
	// OnFailure is what a failing cluster gate does while legacy passes.
	OnFailure OnFailure `json:"onFailure"`
	// OnBothFailing is what ferry does when both sides fail their gates:
	// rolling back would move traffic onto a side known to be broken.
	OnBothFailing OnFailure `json:"onBothFailing"`
	Gates         Gates     `json:"gates"`
	Drain         Drain     `json:"drain"`
	Parity        Parity    `json:"parity"`
	DNS           DNS       `json:"dns"`
	// Lease is how long the ownership lease stored with the domain's DNS
	// data lasts without renewal; it is renewed every Lease/3.
	Lease time.Duration `json:"lease"`
	// Webhooks are called around each step (see gate.HookConfirmStep).
	Webhooks []gate.Webhook `json:"webhooks,omitempty"`
}

// Gates are the thresholds each side's probes are judged by.
type Gates struct {
	// Interval is how often each side is evaluated; a batch of probes
	// (see ProbesPerInterval) is sent to every path each interval.
	Interval time.Duration `json:"interval"`
	// Window is the span the success ratio and p99 are computed over.
	Window       time.Duration `json:"window"`
	SuccessRatio float64       `json:"successRatio"`
	P99Latency   time.Duration `json:"p99Latency"`
	// MinRequests is how many measurements the window must hold before it
	// can pass or fail (a batch that fails entirely fails at once).
	MinRequests int `json:"minRequests"`
	// Failures is how many evaluations in a row a side's window must fail
	// before ferry acts on it (roll back, pause, alert).
	Failures int `json:"failures"`
	// Paths are probed on each side: the health path and the service's
	// real paths, so a cluster that answers only its health check fails.
	Paths  []string `json:"paths"`
	Scheme string   `json:"scheme"` // http or https
	// Metrics, when set, judge each side by its real traffic as well: a
	// side passes only when its probes and its metric checks pass.
	Metrics *Metrics `json:"metrics,omitempty"`
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

// DNS names the provider that holds the domain and how to reach it.
type DNS struct {
	Provider  string `json:"provider"`
	Server    string `json:"server,omitempty"`
	TokenFile string `json:"tokenFile,omitempty"`
	// TokenSecret names the Secret holding the token instead of TokenFile
	// (the reference only: the token itself is never part of the state).
	TokenSecret *spec.SecretKeyRef `json:"tokenSecretRef,omitempty"`
	// RetryFor is how long a DNS change that fails transiently (the
	// provider is unreachable, a 5xx) is retried, with backoff, before the
	// migration pauses with an alert. It never rolls back on its own: the
	// rollback would go through the same unreachable provider.
	RetryFor time.Duration `json:"retryFor"`
	// Settings are the provider's own settings (a Route 53 hosted zone,
	// an endpoint), passed through to its constructor as written.
	Settings map[string]string `json:"settings,omitempty"`
	// PlainCutover makes the cutover leave one plain record for the
	// cluster (the lone set dns.PlainSetID) instead of the weighted set
	// "cluster": at Route 53, where plain and weighted records differ, the
	// domain ends as the plain record Terraform manages again.
	PlainCutover bool `json:"plainCutover,omitempty"`
}

// MaxTTL is the largest TTL a record may have: 2^31-1 seconds (RFC 2181
// §8). Validate refuses more, so the TTL always fits the uint32 of a record.
const MaxTTL = (1<<31 - 1) * time.Second

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
		if _, err := cfg.RecordType(); err != nil {
			bad("cluster.address", "%v", err)
		}
	}
	if cfg.PreviewDomain != "" && dns.CanonicalName(cfg.PreviewDomain) == dns.CanonicalName(cfg.Domain) {
		bad("previewDomain", "must differ from the domain %q", cfg.Domain)
	}
	errs = append(errs, validateSteps(cfg.Steps)...)
	errs = append(errs, cfg.validateTimes()...)
	errs = append(errs, cfg.Gates.Metrics.validate()...)
	errs = append(errs, validateHooks(cfg.Webhooks)...)
	if cfg.Promotion != PromotionAuto && cfg.Promotion != PromotionManual {
		bad("promotion", "%q: want auto or manual", cfg.Promotion)
	}
	for field, v := range map[string]OnFailure{"onFailure": cfg.OnFailure, "onBothFailing": cfg.OnBothFailing} {
		if v != OnFailureRollback && v != OnFailurePause {
			bad(field, "%q: want rollback or pause", v)
		}
	}
	if cfg.DNS.Provider == "" {
		bad("dns.provider", "must name the DNS provider")
	}
	if cfg.Legacy != "" && sameEndpoint(cfg.Legacy, cfg.Cluster) {
		bad("cluster.address", "%q is also the legacy endpoint; a migration needs two different places", cfg.Cluster)
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
		"ttl": cfg.TTL, "gates.interval": cfg.Gates.Interval, "gates.window": cfg.Gates.Window,
		"gates.p99Latency": cfg.Gates.P99Latency, "lease": cfg.Lease, "dns.retryFor": cfg.DNS.RetryFor,
	}
	for _, f := range []string{"ttl", "gates.interval", "gates.window", "gates.p99Latency", "lease", "dns.retryFor"} {
		if positive[f] <= 0 {
			errs = append(errs, fmt.Errorf("%s: %v must be positive", f, positive[f]))
		}
	}
	if cfg.Hold < 0 {
		errs = append(errs, fmt.Errorf("hold: %v must not be negative", cfg.Hold))
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
	if len(g.Paths) == 0 {
		errs = append(errs, errors.New("gates.paths: must hold at least one path"))
	}
	if len(cfg.Parity.Paths) == 0 {
		errs = append(errs, errors.New("parity.paths: must hold at least one path"))
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

// sameEndpoint reports whether a and b are one host and port.
func sameEndpoint(a, b string) bool {
	ah, ap, aerr := SplitEndpoint(a)
	bh, bp, berr := SplitEndpoint(b)
	return aerr == nil && berr == nil && strings.EqualFold(strings.TrimSuffix(ah, "."), strings.TrimSuffix(bh, ".")) && ap == bp
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

// RecordType is the DNS type of the domain's record set: A when a side is
// published as an alias target (the other must then be an alias or an IPv4
// address), else RecordType of the two endpoints.
func (cfg Config) RecordType() (string, error) {
	if cfg.LegacyAlias == "" && cfg.ClusterAlias == "" {
		return RecordType(cfg.Legacy, cfg.Cluster)
	}
	for _, side := range []struct{ name, alias, endpoint string }{{"legacy", cfg.LegacyAlias, cfg.Legacy}, {"cluster", cfg.ClusterAlias, cfg.Cluster}} {
		if side.alias != "" {
			if _, err := dns.ParseAlias(side.alias); err != nil {
				return "", fmt.Errorf("%s: %w", side.name, err)
			}
			continue
		}
		if t, err := endpointType(side.endpoint); err != nil || t != dns.TypeA {
			return "", fmt.Errorf("the other side is an alias (an A record), so %s %q must be an alias or an IPv4 address", side.name, side.endpoint)
		}
	}
	return dns.TypeA, nil
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
