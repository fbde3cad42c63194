package spec

import (
	"fmt"
	"net/url"
	"time"

	"ferry.dev/ferry/api/v1alpha1"
)

// probePaths are the paths the migration block names for every service;
// nil where each service's own default applies (see migrationPaths).
type probePaths struct {
	gates, parity []string
}

func (c *checker) migration(raw *v1alpha1.Migration, dnsTTL time.Duration) (Migration, probePaths) {
	if raw == nil {
		raw = &v1alpha1.Migration{}
	}
	m := Migration{
		TTL:           c.ttl("migration.ttl", raw.TTL, dnsTTL),
		Steps:         c.steps("migration.steps", raw.Steps),
		Hold:          c.duration("migration.hold", raw.Hold, DefaultHold),
		Promotion:     c.oneOf("migration.promotion", raw.Promotion, DefaultPromotion, "auto", "manual"),
		OnFailure:     c.oneOf("migration.onFailure", raw.OnFailure, DefaultOnFailure, "rollback", "pause"),
		OnBothFailing: c.oneOf("migration.onBothFailing", raw.OnBothFailing, DefaultOnBothFail, "pause", "rollback"),
		Lease:         c.lease("migration.lease", raw.Lease),
		Drain:         c.drain("migration.drain", raw.Drain),
	}
	var paths probePaths
	m.Gates, paths.gates = c.gates("migration.gates", raw.Gates)
	if raw.Gates != nil {
		m.Gates.Metrics = c.metricGates("migration.gates.metrics", raw.Gates.Metrics, m.Gates)
	}
	m.Webhooks = c.webhooks("migration.webhooks", raw.Webhooks)
	c.dnsProvider("migration.dns", raw.DNS, &m)
	if raw.Parity != nil {
		paths.parity = c.paths("migration.parity.paths", raw.Parity.Paths)
		m.Parity = Parity{CompareBodies: raw.Parity.CompareBodies}
	}
	return m, paths
}

func (c *checker) dnsProvider(path string, raw *v1alpha1.DNSProvider, m *Migration) {
	if raw == nil {
		raw = &v1alpha1.DNSProvider{}
	}
	m.Provider = c.oneOf(path+".provider", raw.Provider, DefaultProvider, "ferry")
	m.Server = c.url(path+".server", raw.Server)
	m.TokenFile = raw.TokenFile
	m.RetryFor = c.positive(path+".retryFor", raw.RetryFor, DefaultDNSRetryFor,
		"the first DNS change that fails for a moment would pause the migration (write how long to retry, like 2m)")
}

// positive is a duration that must be more than zero when written; why
// says what zero would do.
func (c *checker) positive(path, s string, def time.Duration, why string) time.Duration {
	d := c.duration(path, s, def)
	if s != "" && d == 0 {
		c.errorf(path, "%s must be more than 0: %s", s, why)
		return def
	}
	return d
}

// lease is the ownership lease: long enough that renewing it every third
// of its length is meaningful.
func (c *checker) lease(path, s string) time.Duration {
	d := c.duration(path, s, DefaultLease)
	if s != "" && d < MinLease {
		c.errorf(path, "%s is shorter than %s: the lease is renewed every third of its length, so a shorter one could lapse between renewals and let another run take the domain", s, MinLease)
		return DefaultLease
	}
	return d
}

func (c *checker) steps(path string, steps []int) []int {
	if steps == nil {
		return DefaultSteps()
	}
	if len(steps) == 0 {
		c.errorf(path, "must list at least one weight (like [1, 10, 50, 100])")
		return DefaultSteps()
	}
	for i, w := range steps {
		p := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case w < 0 || w > 100:
			c.errorf(p, "%d is not a percentage (0-100)", w)
		case i > 0 && w <= steps[i-1]:
			c.errorf(p, "%d does not increase on the step before it (%d); steps must strictly increase", w, steps[i-1])
		}
	}
	if last := steps[len(steps)-1]; last != 100 && last <= 100 {
		c.errorf(fmt.Sprintf("%s[%d]", path, len(steps)-1), "the last step is %d; it must be 100 so the cluster takes all traffic", last)
	}
	return steps
}

// gates returns the thresholds and the paths written (nil: each
// service's default).
func (c *checker) gates(path string, raw *v1alpha1.Gates) (Gates, []string) {
	if raw == nil {
		raw = &v1alpha1.Gates{}
	}
	g := Gates{
		Interval: c.positive(path+".interval", raw.Interval, DefaultGateInterval,
			"each side would be probed without a pause"),
		Window: c.positive(path+".window", raw.Window, DefaultGateWindow,
			"a window of no time holds no measurements, so no gate could pass"),
		SuccessRatio: DefaultSuccessRatio,
		P99Latency: c.positive(path+".p99Latency", raw.P99Latency, DefaultP99Latency,
			"no answer is that fast, so both sides would always fail"),
		MinRequests: DefaultMinRequests,
		Failures:    DefaultGateFailures,
	}
	if g.Window < g.Interval {
		c.errorf(path+".window", "%s is shorter than the interval %s", g.Window, g.Interval)
	}
	if raw.SuccessRatio != nil {
		if *raw.SuccessRatio <= 0 || *raw.SuccessRatio > 1 {
			c.errorf(path+".successRatio", "%g is not a ratio above 0 and at most 1 (like 0.99)", *raw.SuccessRatio)
		}
		g.SuccessRatio = *raw.SuccessRatio
	}
	if raw.MinRequests != nil {
		g.MinRequests = c.atLeastOne(path+".minRequests", *raw.MinRequests, "a gate must see a request before it can judge a side")
	}
	if raw.Failures != nil {
		g.Failures = c.atLeastOne(path+".failures", *raw.Failures, "ferry acts after this many failing evaluations in a row")
	}
	if g.Window >= g.Interval && g.MinRequests > int(g.Window/g.Interval) {
		c.errorf(path+".minRequests", "%d probes never fit in a %s window at one every %s; the gate could never pass (at most %d)",
			g.MinRequests, g.Window, g.Interval, int(g.Window/g.Interval))
	}
	return g, c.paths(path+".paths", raw.Paths)
}

// atLeastOne checks a count that zero would make meaningless.
func (c *checker) atLeastOne(path string, n int, why string) int {
	if n < 1 {
		c.errorf(path, "%d must be at least 1: %s", n, why)
	}
	return n
}

// paths checks a written list of HTTP paths; nil stays nil (not written).
func (c *checker) paths(path string, raw []string) []string {
	if raw == nil {
		return nil
	}
	if len(raw) == 0 {
		c.errorf(path, "must list at least one path (like [/healthz, /]); leave it out for the default")
		return nil
	}
	seen := map[string]bool{}
	for i, p := range raw {
		field := fmt.Sprintf("%s[%d]", path, i)
		c.httpPath(field, p, "")
		if seen[p] {
			c.errorf(field, "%q is listed twice", p)
		}
		seen[p] = true
	}
	return raw
}

func (c *checker) drain(path string, raw *v1alpha1.Drain) Drain {
	d := Drain{TTLMultiple: DefaultTTLMultiple}
	if raw == nil {
		return d
	}
	if raw.TTLMultiple != nil {
		if *raw.TTLMultiple < 1 {
			c.errorf(path+".ttlMultiple", "%d must be at least 1", *raw.TTLMultiple)
		}
		d.TTLMultiple = *raw.TTLMultiple
	}
	if t := raw.LegacyTraffic; t != nil {
		d.LegacyTraffic = c.trafficSource(path+".legacyTraffic", t)
	}
	return d
}

func (c *checker) trafficSource(path string, t *v1alpha1.TrafficSource) *TrafficSource {
	src := &TrafficSource{URL: c.url(path+".url", t.URL), Prometheus: c.url(path+".prometheus", t.Prometheus), Query: t.Query, Threshold: DefaultDrainRate}
	switch {
	case (t.URL == "") == (t.Prometheus == ""):
		c.errorf(path, "set either url or prometheus (with query)")
	case t.Prometheus != "" && t.Query == "":
		c.errorf(path+".query", "is required with prometheus (a PromQL query returning legacy's request rate)")
	case t.URL != "" && t.Query != "":
		c.errorf(path+".query", "goes with prometheus, not url")
	}
	if t.Threshold != nil {
		if *t.Threshold < 0 {
			c.errorf(path+".threshold", "%g must not be negative", *t.Threshold)
		}
		src.Threshold = *t.Threshold
	}
	return src
}

func (c *checker) url(path, s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		c.errorf(path, "%q is not an http(s) URL", s)
	}
	return s
}
