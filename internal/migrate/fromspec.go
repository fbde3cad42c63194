package migrate

import (
	"fmt"
	"net"
	"strconv"

	"ferry.dev/ferry/internal/spec"
)

// FromSpec is the migration of service as the service file f describes
// it, with ferry's defaults for what the file leaves out. f has been
// validated by spec.Load; the result is validated once more here so the
// engine never runs on settings it cannot follow.
func FromSpec(f *spec.File, service string) (Config, error) {
	svc, ok := f.Service(service)
	if !ok {
		return Config{}, fmt.Errorf("service %q: not in %s", service, f.Path)
	}
	sm := svc.Migration
	if sm == nil {
		return Config{}, fmt.Errorf("services.%s.legacy: the legacy endpoint is required to migrate %s", service, service)
	}
	m := f.Migration
	cfg := Config{
		Service: service, Domain: sm.Domain, PreviewDomain: sm.PreviewDomain,
		Legacy: endpoint(sm.Legacy), Cluster: endpoint(sm.Cluster),
		TTL: m.TTL, Steps: m.Steps, Hold: m.Hold,
		Promotion: Promotion(m.Promotion), OnFailure: OnFailure(m.OnFailure),
		OnBothFailing: OnFailure(spec.DefaultOnBothFail),
		Gates: Gates{
			Interval: m.Gates.Interval, Window: m.Gates.Window, SuccessRatio: m.Gates.SuccessRatio,
			P99Latency: m.Gates.P99Latency, MinRequests: m.Gates.MinRequests,
			Failures: spec.DefaultGateFailures, Scheme: spec.DefaultScheme,
		},
		Drain:  Drain{TTLMultiple: m.Drain.TTLMultiple},
		Parity: Parity{Paths: m.Parity.Paths, CompareBodies: m.Parity.CompareBodies},
		DNS:    DNS{Provider: m.Provider, Server: m.Server, TokenFile: m.TokenFile, RetryFor: spec.DefaultDNSRetryFor},
		Lease:  spec.DefaultLease,
	}
	health := "/"
	if svc.Readiness != nil && svc.Readiness.Path != "" {
		health = svc.Readiness.Path
	}
	if m.Gates.Path != "" {
		health = m.Gates.Path
	}
	cfg.Gates.Paths = []string{health}
	if health != "/" {
		cfg.Gates.Paths = append(cfg.Gates.Paths, "/")
	}
	if cfg.Parity.Paths == nil {
		cfg.Parity.Paths = cfg.Gates.Paths
	}
	if svc.Issuer != nil {
		cfg.Gates.Scheme = "https"
	}
	if t := m.Drain.LegacyTraffic; t != nil {
		cfg.Drain.TrafficURL, cfg.Drain.Prometheus, cfg.Drain.Query, cfg.Drain.Threshold = t.URL, t.Prometheus, t.Query, t.Threshold
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, fmt.Errorf("migration of %s: %w", service, err)
	}
	return cfg, nil
}

func endpoint(e spec.Endpoint) string {
	if e.Port == 0 {
		return e.Address
	}
	return net.JoinHostPort(e.Address, strconv.Itoa(e.Port))
}
