package spec

import (
	"net/netip"
	"slices"
	"strings"
	"time"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/dns"
)

// serviceMigration: a service takes part in migrations when it names a
// legacy endpoint, a cluster endpoint or a preview domain; then it needs all
// the parts. s is the service as checked so far (domains, health, TLS).
func (c *checker) serviceMigration(path string, raw *v1alpha1.Service, s Service, paths probePaths) *ServiceMigration {
	if raw.Legacy == nil && raw.Cluster == nil && raw.PreviewDomain == "" {
		return nil
	}
	m := &ServiceMigration{PreviewDomain: raw.PreviewDomain, Scheme: DefaultScheme}
	if s.Issuer != nil {
		m.Scheme = "https"
	}
	m.GatePaths, m.ParityPaths = migrationPaths(s.Readiness, paths)
	if len(s.Domains) == 0 {
		c.errorf(path+".domain", "is required to migrate (the name whose traffic moves)")
	} else {
		m.Domain = s.Domains[0]
	}
	c.previewDomain(path+".previewDomain", raw.PreviewDomain, s.Domains)
	m.Legacy = c.endpoint(path+".legacy", raw.Legacy, "where the service runs today, like legacy: lb.example.net")
	m.Cluster = c.endpoint(path+".cluster", raw.Cluster, "the cluster's ingress load balancer, like cluster: ingress.k8s.example.net")
	c.twoPlaces(path+".cluster", m.Legacy, m.Cluster, m.Scheme)
	return m
}

// migrationPaths are the paths a service's gates probe and its parity
// check compares: as the file's migration block writes them, or the
// service's health path and "/" (its real traffic), without repeats.
func migrationPaths(readiness *Probe, written probePaths) (gates, parity []string) {
	gates = slices.Clone(written.gates)
	if gates == nil {
		gates = []string{DefaultServicePath}
		if readiness != nil && readiness.Path != "" && readiness.Path != DefaultServicePath {
			gates = []string{readiness.Path, DefaultServicePath}
		}
	}
	parity = slices.Clone(written.parity)
	if parity == nil {
		parity = slices.Clone(gates)
	}
	return gates, parity
}

func (c *checker) previewDomain(path, preview string, domains []string) {
	if preview == "" {
		return
	}
	if msg := checkDomain(preview); msg != "" {
		c.errorf(path, "%s", msg)
	}
	for _, d := range domains {
		if d == preview {
			c.errorf(path, "%q is also a domain of the service; the preview needs a name of its own", d)
		}
	}
}

// twoPlaces refuses a legacy and a cluster endpoint that cannot be told
// apart: one weighted record set holds both, so they must be of one record
// type, and a migration between one place and itself moves nothing.
func (c *checker) twoPlaces(path string, legacy, cluster Endpoint, scheme string) {
	lk, ck := publishedKind(legacy), publishedKind(cluster)
	switch {
	case lk == "" || ck == "":
		// A missing endpoint has its own problem.
	case lk != ck:
		c.errorf(path, "%q is %s but legacy %q is %s; one weighted record set holds one record type, so both sides must be IPv4 addresses (or Route 53 aliases), IPv6 addresses or host names",
			cluster.Address, ck, legacy.Address, lk)
	case sameEndpoint(legacy, cluster, scheme):
		c.errorf(path, "%q port %d is the legacy endpoint too (%q port %d); a migration moves traffic between two different places, and cluster is the cluster's ingress load balancer",
			cluster.Address, effectivePort(cluster, scheme), legacy.Address, effectivePort(legacy, scheme))
	}
}

// publishedKind is endpointKind of what e is published as: an alias is an
// A record, as an IPv4 address is.
func publishedKind(e Endpoint) string {
	if e.Alias != nil && e.Address != "" {
		return "an IPv4 address"
	}
	return endpointKind(e.Address)
}

// sameEndpoint reports whether a and b are one address and port: host
// names compared without case or a trailing dot, IP addresses as
// addresses, and an absent port as the scheme's.
func sameEndpoint(a, b Endpoint, scheme string) bool {
	if effectivePort(a, scheme) != effectivePort(b, scheme) {
		return false
	}
	aa, aerr := netip.ParseAddr(a.Address)
	ba, berr := netip.ParseAddr(b.Address)
	if aerr == nil && berr == nil {
		return aa.Unmap() == ba.Unmap()
	}
	return strings.EqualFold(strings.TrimSuffix(a.Address, "."), strings.TrimSuffix(b.Address, "."))
}

// effectivePort is the port an endpoint is probed on.
func effectivePort(e Endpoint, scheme string) int {
	switch {
	case e.Port != 0:
		return e.Port
	case scheme == "https":
		return 443
	}
	return 80
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
	if a := raw.Alias; a != nil {
		if strings.HasPrefix(a.HostedZoneID, "/") || !isHostedZoneID(a.HostedZoneID) {
			c.errorf(path+".alias.hostedZoneId", "%q is not a Route 53 hosted zone id (the load balancer's, like Z35SXDOTRQ7X7K)", a.HostedZoneID)
		}
		if _, err := netip.ParseAddr(raw.Address); err == nil {
			c.errorf(path+".alias", "an alias targets a load balancer's DNS name, not the address %s", raw.Address)
		}
		e.Alias = &Alias{HostedZoneID: a.HostedZoneID, EvaluateTargetHealth: a.EvaluateTargetHealth}
	}
	return e
}

// aliases checks what alias endpoints need of the file: the 60 s TTL
// resolvers see for a load balancer, so that the drain waits on it. Both
// providers serve aliases (ferry's server as a CNAME to the target).
func (c *checker) aliases(f *File) {
	for _, s := range f.Services {
		if s.Migration == nil {
			continue
		}
		for side, e := range map[string]Endpoint{"legacy": s.Migration.Legacy, "cluster": s.Migration.Cluster} {
			if e.Alias == nil {
				continue
			}
			path := "services." + s.Name + "." + side + ".alias"
			if f.Migration.TTL != dns.AliasTTL*time.Second {
				c.errorf(path, "an alias is answered with the load balancer's %d s TTL, so the drain must wait on that: set migration.ttl: %ds (it is %v)", dns.AliasTTL, dns.AliasTTL, f.Migration.TTL)
			}
		}
	}
}
