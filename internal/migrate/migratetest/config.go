package migratetest

import (
	"time"

	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/spec"
)

// Config is a valid migration of domain from legacy to cluster with every
// setting at the service file's default: exactly what spec.Load and
// migrate.FromSpec produce for a file whose service "api" names only its
// image, port, domain and endpoints (no health path, no TLS).
// TestFromSpecDefaultsAreMigratetest keeps the two in step.
func Config(domain, legacy, cluster string) migrate.Config {
	return migrate.Config{
		Service: "api", Domain: domain, Legacy: legacy, Cluster: cluster,
		TTL: spec.DefaultDNSTTL, Steps: spec.DefaultSteps(), Hold: spec.DefaultHold,
		Promotion:     migrate.Promotion(spec.DefaultPromotion),
		OnFailure:     migrate.OnFailure(spec.DefaultOnFailure),
		OnBothFailing: migrate.OnFailure(spec.DefaultOnBothFail),
		Gates: migrate.Gates{
			Interval: spec.DefaultGateInterval, Window: spec.DefaultGateWindow,
			SuccessRatio: spec.DefaultSuccessRatio, P99Latency: spec.DefaultP99Latency,
			MinRequests: spec.DefaultMinRequests, Failures: spec.DefaultGateFailures,
			Paths: []string{spec.DefaultServicePath}, Scheme: spec.DefaultScheme,
		},
		Drain:  migrate.Drain{TTLMultiple: spec.DefaultTTLMultiple},
		Parity: migrate.Parity{Paths: []string{spec.DefaultServicePath}},
		DNS:    migrate.DNS{Provider: spec.DefaultProvider, RetryFor: spec.DefaultDNSRetryFor},
		Lease:  spec.DefaultLease,
	}
}

// Seconds is n seconds, for settings written in tests.
func Seconds(n int) time.Duration { return time.Duration(n) * time.Second }
