package spec

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"

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
	m.Provider = c.oneOf(path+".provider", raw.Provider, DefaultProvider, "ferry", "route53", "external-dns")
	m.Server = c.url(path+".server", raw.Server)
	m.TokenFile = raw.TokenFile
	m.TokenSecret = c.secretKeyRef(path+".tokenSecretRef", raw.TokenSecretRef)
	if raw.TokenFile != "" && raw.TokenSecretRef != nil {
		c.errorf(path+".tokenSecretRef", "tokenFile and tokenSecretRef are exclusive: the token comes from one of them")
	}
	switch m.Provider {
	case "route53":
		m.DNSSettings = c.route53(path, raw)
		m.PlainCutover = true
	case "external-dns":
		m.DNSSettings = c.externalDNS(path, raw)
	default:
		c.onlyFor(path, "route53", map[string]string{"hostedZoneId": raw.HostedZoneID, "endpoint": raw.Endpoint})
	}
	if m.Provider != "external-dns" {
		c.onlyFor(path, "external-dns", map[string]string{"namespace": raw.Namespace, "context": raw.Context, "publishesTo": raw.PublishesTo,
			"txtOwnerId": raw.TXTOwnerID, "txtPrefix": raw.TXTPrefix, "txtSuffix": raw.TXTSuffix})
	}
	m.RetryFor = c.positive(path+".retryFor", raw.RetryFor, DefaultDNSRetryFor,
		"the first DNS change that fails for a moment would pause the migration (write how long to retry, like 2m)")
}

// secretKeyRef checks a Secret's name and key as the API server would.
func (c *checker) secretKeyRef(path string, raw *v1alpha1.SecretKeyRef) *SecretKeyRef {
	if raw == nil {
		return nil
	}
	for _, msg := range validation.IsDNS1123Subdomain(raw.Name) {
		c.errorf(path+".name", "%q is not a Secret name: %s", raw.Name, msg)
	}
	for _, msg := range validation.IsConfigMapKey(raw.Key) {
		c.errorf(path+".key", "%q is not a Secret key: %s", raw.Key, msg)
	}
	return &SecretKeyRef{Name: raw.Name, Key: raw.Key}
}

// secretName is the name of the Secret ref names, "" for none.
func secretName(ref *v1alpha1.SecretKeyRef) string {
	if ref == nil {
		return ""
	}
	return "secret " + ref.Name
}

// route53 checks the settings of provider route53 and returns them keyed
// as its constructor takes them. Credentials come from the AWS chain, so
// a server or token file written for it is refused rather than ignored.
func (c *checker) route53(path string, raw *v1alpha1.DNSProvider) map[string]string {
	c.onlyFor(path, "ferry", map[string]string{"server": raw.Server, "tokenFile": raw.TokenFile, "tokenSecretRef": secretName(raw.TokenSecretRef)})
	return c.route53Fields(path, raw)
}

// route53Fields checks Route 53's own settings, nil when none is written.
func (c *checker) route53Fields(path string, raw *v1alpha1.DNSProvider) map[string]string {
	settings := map[string]string{}
	if raw.HostedZoneID != "" {
		if !isHostedZoneID(raw.HostedZoneID) {
			c.errorf(path+".hostedZoneId", "%q is not a Route 53 hosted zone id (like Z0123456789ABCDEFGHIJ)", raw.HostedZoneID)
		}
		settings["hostedZoneId"] = raw.HostedZoneID
	}
	if raw.Endpoint != "" {
		settings["endpoint"] = c.url(path+".endpoint", raw.Endpoint)
	}
	if len(settings) == 0 {
		return nil
	}
	return settings
}

// externalDNS checks the settings of provider external-dns and returns them
// keyed as its constructor takes them: where its DNSEndpoints go, the
// weight property, and where a step is read back (ferry's server or
// Route 53, one at most).
func (c *checker) externalDNS(path string, raw *v1alpha1.DNSProvider) map[string]string {
	settings := map[string]string{"namespace": "default", "publishesTo": "aws", "txtOwnerId": DefaultTXTOwnerID}
	if raw.Namespace != "" {
		settings["namespace"] = c.namespace(path+".namespace", raw.Namespace)
	}
	if raw.Context != "" {
		settings["context"] = raw.Context
	}
	if raw.PublishesTo != "" {
		settings["publishesTo"] = c.oneOf(path+".publishesTo", raw.PublishesTo, "aws", "aws", "webhook")
	}
	c.txtRegistry(path, raw, settings)
	route53 := c.route53Fields(path, raw)
	ferry := raw.Server != "" || raw.TokenFile != "" || raw.TokenSecretRef != nil
	switch {
	case ferry && len(route53) > 0:
		c.errorf(path+".hostedZoneId", "a step is read back from one provider: ferry's server (server, tokenFile) or Route 53 (hostedZoneId, endpoint), not both")
	case ferry && settings["publishesTo"] != "webhook":
		c.errorf(path+".server", "reads back from ferry's DNS server, which external-dns reaches only with --provider=webhook; set publishesTo: webhook")
	case len(route53) > 0 && settings["publishesTo"] != "aws":
		c.errorf(path+".publishesTo", "%q: reading back from Route 53 needs external-dns's aws provider (publishesTo: aws)", settings["publishesTo"])
	}
	maps.Copy(settings, route53)
	return settings
}

// txtRegistry checks the settings that find external-dns's TXT registry
// records: the owner id, and a prefix or a suffix (external-dns refuses
// both at once).
func (c *checker) txtRegistry(path string, raw *v1alpha1.DNSProvider, settings map[string]string) {
	if raw.TXTOwnerID != "" {
		if strings.ContainsAny(raw.TXTOwnerID, ",=\"\n") {
			c.errorf(path+".txtOwnerId", "%q cannot be an external-dns owner id (no comma, equals sign, quote or newline)", raw.TXTOwnerID)
		}
		settings["txtOwnerId"] = raw.TXTOwnerID
	}
	switch {
	case raw.TXTPrefix != "" && raw.TXTSuffix != "":
		c.errorf(path+".txtSuffix", "external-dns takes --txt-prefix or --txt-suffix, not both")
	case raw.TXTPrefix != "":
		settings["txtPrefix"] = raw.TXTPrefix
	case raw.TXTSuffix != "":
		settings["txtSuffix"] = raw.TXTSuffix
	}
}

// onlyFor refuses each written field of fields, which only provider takes.
func (c *checker) onlyFor(path, provider string, fields map[string]string) {
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if fields[k] != "" {
			c.errorf(path+"."+k, "is a setting of provider %s only; remove it or set migration.dns.provider: %s", provider, provider)
		}
	}
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
