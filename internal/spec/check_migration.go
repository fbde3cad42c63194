package spec

import (
	"fmt"
	"net/netip"
	"net/url"
	"time"

	"ferry.dev/ferry/api/v1alpha1"
)

func (c *checker) migration(raw *v1alpha1.Migration, dnsTTL time.Duration) Migration {
	if raw == nil {
		raw = &v1alpha1.Migration{}
	}
	m := Migration{
		Provider:  DefaultProvider,
		TTL:       c.ttl("migration.ttl", raw.TTL, dnsTTL),
		Steps:     c.steps("migration.steps", raw.Steps),
		Hold:      c.duration("migration.hold", raw.Hold, DefaultHold),
		Promotion: c.oneOf("migration.promotion", raw.Promotion, DefaultPromotion, "auto", "manual"),
		OnFailure: c.oneOf("migration.onFailure", raw.OnFailure, DefaultOnFailure, "rollback", "pause"),
		Gates:     c.gates("migration.gates", raw.Gates),
		Drain:     c.drain("migration.drain", raw.Drain),
	}
	if raw.DNS != nil {
		m.Provider = c.oneOf("migration.dns.provider", raw.DNS.Provider, DefaultProvider, "ferry")
		m.Server = c.url("migration.dns.server", raw.DNS.Server)
		m.TokenFile = raw.DNS.TokenFile
	}
	if raw.Parity != nil {
		for i, p := range raw.Parity.Paths {
			c.httpPath(fmt.Sprintf("migration.parity.paths[%d]", i), p, "")
		}
		m.Parity = Parity{Paths: raw.Parity.Paths, CompareBodies: raw.Parity.CompareBodies}
	}
	return m
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

func (c *checker) gates(path string, raw *v1alpha1.Gates) Gates {
	if raw == nil {
		raw = &v1alpha1.Gates{}
	}
	g := Gates{
		Interval:     c.duration(path+".interval", raw.Interval, DefaultGateInterval),
		Window:       c.duration(path+".window", raw.Window, DefaultGateWindow),
		SuccessRatio: DefaultSuccessRatio,
		P99Latency:   c.duration(path+".p99Latency", raw.P99Latency, DefaultP99Latency),
		MinRequests:  DefaultMinRequests,
	}
	if raw.Path != "" {
		g.Path = c.httpPath(path+".path", raw.Path, "")
	}
	if g.Interval == 0 {
		c.errorf(path+".interval", "must be more than 0")
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
		if *raw.MinRequests < 1 {
			c.errorf(path+".minRequests", "%d must be at least 1", *raw.MinRequests)
		}
		g.MinRequests = *raw.MinRequests
	}
	if g.Interval > 0 && g.Window >= g.Interval && g.MinRequests > int(g.Window/g.Interval) {
		c.errorf(path+".minRequests", "%d probes never fit in a %s window at one every %s; the gate could never pass (at most %d)",
			g.MinRequests, g.Window, g.Interval, int(g.Window/g.Interval))
	}
	return g
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
		p := path + ".legacyTraffic"
		src := &TrafficSource{URL: c.url(p+".url", t.URL), Prometheus: c.url(p+".prometheus", t.Prometheus), Query: t.Query, Threshold: DefaultDrainRate}
		switch {
		case (t.URL == "") == (t.Prometheus == ""):
			c.errorf(p, "set either url or prometheus (with query)")
		case t.Prometheus != "" && t.Query == "":
			c.errorf(p+".query", "is required with prometheus (a PromQL query returning legacy's request rate)")
		case t.URL != "" && t.Query != "":
			c.errorf(p+".query", "goes with prometheus, not url")
		}
		if t.Threshold != nil {
			if *t.Threshold < 0 {
				c.errorf(p+".threshold", "%g must not be negative", *t.Threshold)
			}
			src.Threshold = *t.Threshold
		}
		d.LegacyTraffic = src
	}
	return d
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

// serviceMigration: a service takes part in migrations when it names a
// legacy endpoint, a cluster endpoint or a preview domain; then it needs all
// the parts.
func (c *checker) serviceMigration(path string, raw *v1alpha1.Service, domains []string) *ServiceMigration {
	if raw.Legacy == nil && raw.Cluster == nil && raw.PreviewDomain == "" {
		return nil
	}
	m := &ServiceMigration{PreviewDomain: raw.PreviewDomain}
	if len(domains) == 0 {
		c.errorf(path+".domain", "is required to migrate (the name whose traffic moves)")
	} else {
		m.Domain = domains[0]
	}
	if raw.PreviewDomain != "" {
		if msg := checkDomain(raw.PreviewDomain); msg != "" {
			c.errorf(path+".previewDomain", "%s", msg)
		}
		for _, d := range domains {
			if d == raw.PreviewDomain {
				c.errorf(path+".previewDomain", "%q is also a domain of the service; the preview needs a name of its own", d)
			}
		}
	}
	m.Legacy = c.endpoint(path+".legacy", raw.Legacy, "where the service runs today, like legacy: lb.example.net")
	m.Cluster = c.endpoint(path+".cluster", raw.Cluster, "the cluster's ingress load balancer, like cluster: ingress.k8s.example.net")
	if lk, ck := endpointKind(m.Legacy.Address), endpointKind(m.Cluster.Address); lk != "" && ck != "" && lk != ck {
		// One weighted record set holds both sides, so both must be
		// published as the same record type.
		c.errorf(path+".cluster", "%q is %s but legacy %q is %s; one weighted record set holds one record type, so both sides must be IPv4 addresses, IPv6 addresses or host names",
			m.Cluster.Address, ck, m.Legacy.Address, lk)
	}
	return m
}

// endpointKind names what record an endpoint is published as.
func endpointKind(addr string) string {
	if addr == "" {
		return ""
	}
	if a, err := netip.ParseAddr(addr); err == nil {
		if a.Is4() {
			return "an IPv4 address"
		}
		return "an IPv6 address"
	}
	return "a host name"
}

func (c *checker) endpoint(path string, raw *v1alpha1.Endpoint, hint string) Endpoint {
	if raw == nil {
		c.errorf(path, "is required to migrate (%s)", hint)
		return Endpoint{}
	}
	if msg := checkEndpoint(raw.Address); msg != "" {
		c.errorf(path, "%s", msg)
	}
	e := Endpoint{Address: raw.Address}
	if raw.Port != nil {
		e.Port = int(c.port(path+".port", raw.Port))
	}
	return e
}
