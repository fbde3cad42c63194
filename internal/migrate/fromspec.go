package migrate

import (
	"fmt"
	"maps"
	"net"
	"slices"
	"strconv"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/gate"
	"ferry.dev/ferry/internal/spec"
)

// FromSpec is the migration of service as the service file f describes
// it. spec.Load has applied every default and checked every value with its
// position in the file; FromSpec only copies, and validates the result once
// more so the engine never runs on settings it cannot follow.
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
		TTL: m.TTL, Steps: slices.Clone(m.Steps), Hold: m.Hold,
		Promotion: Promotion(m.Promotion), OnFailure: OnFailure(m.OnFailure), OnBothFailing: OnFailure(m.OnBothFailing),
		Gates: Gates{
			Interval: m.Gates.Interval, Window: m.Gates.Window, SuccessRatio: m.Gates.SuccessRatio,
			P99Latency: m.Gates.P99Latency, MinRequests: m.Gates.MinRequests, Failures: m.Gates.Failures,
			Paths: slices.Clone(sm.GatePaths), Scheme: sm.Scheme,
		},
		Drain:  Drain{TTLMultiple: m.Drain.TTLMultiple},
		Parity: Parity{Paths: slices.Clone(sm.ParityPaths), CompareBodies: m.Parity.CompareBodies},
		DNS: DNS{Provider: m.Provider, Server: m.Server, TokenFile: m.TokenFile, TokenSecret: m.TokenSecret, RetryFor: m.RetryFor, Settings: maps.Clone(m.DNSSettings),
			PlainCutover: m.PlainCutover},
		Lease: m.Lease,
	}
	cfg.LegacyAlias, cfg.ClusterAlias = aliasValue(sm.Legacy), aliasValue(sm.Cluster)
	cfg.Gates.Metrics, cfg.Webhooks = judgesFromSpec(m, sm.Domain, service)
	if t := m.Drain.LegacyTraffic; t != nil {
		cfg.Drain.TrafficURL, cfg.Drain.Prometheus, cfg.Drain.Query, cfg.Drain.Threshold = t.URL, t.Prometheus, t.Query, t.Threshold
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, fmt.Errorf("migration of %s: %w", service, err)
	}
	return cfg, nil
}

// endpoint writes a spec endpoint as "host[:port]"; no port is the
// scheme's, as in the file.
func endpoint(e spec.Endpoint) string {
	if e.Port == 0 {
		return e.Address
	}
	return net.JoinHostPort(e.Address, strconv.Itoa(e.Port))
}

// aliasValue is the alias target e is published as, "" for none.
func aliasValue(e spec.Endpoint) string {
	if e.Alias == nil {
		return ""
	}
	return dns.Alias{HostedZoneID: e.Alias.HostedZoneID, DNSName: e.Address, EvaluateTargetHealth: e.Alias.EvaluateTargetHealth}.String()
}

// judgesFromSpec copies the metric gates, their checks rendered for the
// service's domain, and the webhooks.
func judgesFromSpec(m spec.Migration, domain, service string) (*Metrics, []gate.Webhook) {
	var mt *Metrics
	if mg := m.Gates.Metrics; mg != nil {
		mt = &Metrics{
			Prometheus: mg.Prometheus, BearerTokenFile: mg.BearerTokenFile, CAFile: mg.CAFile, Interval: mg.Interval,
			FailureLimit: mg.FailureLimit, InconclusiveLimit: mg.InconclusiveLimit, Warmup: mg.Warmup,
			Checks: mg.Checks(m.Gates, domain, service),
		}
	}
	var hooks []gate.Webhook
	for _, w := range m.Webhooks {
		hooks = append(hooks, gate.Webhook{Name: w.Name, Type: w.Type, URL: w.URL, SecretFile: w.SecretFile,
			Timeout: w.Timeout, Retries: w.Retries})
	}
	return mt, hooks
}
