package spec

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"ferry.dev/ferry/api/v1alpha1"
)

// fileDefaults are the file-wide values every service starts from.
type fileDefaults struct {
	namespace    string
	ingressClass string
	gateway      *v1alpha1.GatewayRef
	issuer       *v1alpha1.IssuerRef
	pullSecret   string
	dnsTTL       time.Duration
	dnsPrefix    string
	replicas     int
	cpu, memory  string
	// probes are the paths the migration block names for every service.
	probes probePaths
}

func (c *checker) convert(raw *v1alpha1.File) *File {
	f, d := c.settings(raw)
	names := make([]string, 0, len(raw.Services))
	for name := range raw.Services {
		names = append(names, name)
	}
	slices.Sort(names)
	if len(names) == 0 && !c.written("services") {
		c.errorf("services", "at least one service is required under services:")
	}
	for _, name := range names {
		if s, ok := c.namedService(name, raw.Services[name], d); ok {
			f.Services = append(f.Services, s)
		}
	}
	c.crossService(f.Services)
	c.aliases(f)
	return f
}

// namedService converts the service written under name; false when there
// is none to convert (nothing was written under the name).
func (c *checker) namedService(name string, raw *v1alpha1.Service, d fileDefaults) (Service, bool) {
	path := "services." + name
	if msg := checkServiceName(name); msg != "" {
		c.errorf(path+"#key", "%s", msg)
	}
	if raw == nil {
		c.errorf(path, "is empty; a service needs at least an image")
		return Service{}, false
	}
	return c.service(path, name, raw, d), true
}

// settings converts everything in the file but its services, and returns
// the defaults they start from.
func (c *checker) settings(raw *v1alpha1.File) (*File, fileDefaults) {
	c.header(raw)
	d := c.defaults(raw.Defaults)
	f := &File{}
	f.Migration, d.probes = c.migration(raw.Migration, d.dnsTTL)
	if f.Migration.Provider == "external-dns" {
		// The annotations ferry edits to adopt a record through
		// external-dns are read under the prefix the file names.
		f.Migration.DNSSettings["annotationPrefix"] = d.dnsPrefix
	}
	f.Notifications = c.notifications("notifications", raw.Notifications)
	f.RunIn = RunIn(c.oneOf("runIn", raw.RunIn, string(DefaultRunIn), string(RunLocal), string(RunCluster)))
	return f, d
}

func (c *checker) header(raw *v1alpha1.File) {
	switch {
	case raw.APIVersion == "":
		c.errorf("apiVersion", "is required (apiVersion: %s)", v1alpha1.APIVersion)
	case raw.APIVersion != v1alpha1.APIVersion:
		c.errorf("apiVersion", "%q is not supported (this ferry reads %s)", raw.APIVersion, v1alpha1.APIVersion)
	}
	switch {
	case raw.Kind == "":
		c.errorf("kind", "is required (kind: %s)", v1alpha1.Kind)
	case raw.Kind != v1alpha1.Kind:
		c.errorf("kind", "%q is not supported (want %s)", raw.Kind, v1alpha1.Kind)
	}
}

func (c *checker) defaults(raw *v1alpha1.Defaults) fileDefaults {
	d := fileDefaults{namespace: DefaultNamespace, dnsTTL: DefaultDNSTTL, dnsPrefix: DefaultExternalDNSPrefix,
		replicas: DefaultReplicas, cpu: DefaultCPU, memory: DefaultMemory}
	if raw == nil {
		return d
	}
	if raw.ExternalDNS != nil && raw.ExternalDNS.AnnotationPrefix != "" {
		d.dnsPrefix = c.annotationPrefix("defaults.externalDNS.annotationPrefix", raw.ExternalDNS.AnnotationPrefix)
	}
	if raw.Namespace != "" {
		d.namespace = c.namespace("defaults.namespace", raw.Namespace)
	}
	d.ingressClass = raw.IngressClass
	if raw.IngressClass != "" {
		if msg := checkSubdomain(raw.IngressClass); msg != "" {
			c.errorf("defaults.ingressClass", "%s", msg)
		}
	}
	if raw.Gateway != nil {
		d.gateway = c.gateway("defaults.gateway", raw.Gateway)
		if raw.IngressClass != "" {
			c.errorf("defaults.gateway", "set either ingressClass or gateway, not both")
		}
	}
	if raw.Issuer != nil {
		d.issuer = c.issuer("defaults.issuer", raw.Issuer)
		if raw.Gateway != nil {
			c.errorf("defaults.issuer", "with a gateway, certificates belong to the Gateway's listeners (annotate the Gateway for cert-manager); leave issuer out")
		}
	}
	d.pullSecret = c.secretName("defaults.registrySecret", raw.RegistrySecret)
	d.dnsTTL = c.ttl("defaults.dnsTTL", raw.DNSTTL, DefaultDNSTTL)
	if raw.Replicas != nil {
		d.replicas = c.replicas("defaults.replicas", *raw.Replicas)
	}
	if raw.CPU != "" && c.quantity("defaults.cpu", raw.CPU, "", false) != nil {
		d.cpu = raw.CPU
	}
	if raw.Memory != "" && c.quantity("defaults.memory", raw.Memory, "", true) != nil {
		d.memory = raw.Memory
	}
	return d
}

// annotationPrefix checks an annotation key prefix: a DNS subdomain and a
// slash ("external-dns.kubernetes.io/").
func (c *checker) annotationPrefix(path, p string) string {
	domain, ok := strings.CutSuffix(p, "/")
	msg := checkSubdomain(domain)
	switch {
	case !ok:
		c.errorf(path, "%q must end with \"/\" (like external-dns.kubernetes.io/)", p)
	case msg != "":
		c.errorf(path, "%q: %s", domain, msg)
	default:
		return p
	}
	return DefaultExternalDNSPrefix
}

func (c *checker) namespace(path, ns string) string {
	if msg := checkLabel(ns); msg != "" {
		c.errorf(path, "%s", msg)
		return DefaultNamespace
	}
	return ns
}

func (c *checker) gateway(path string, g *v1alpha1.GatewayRef) *v1alpha1.GatewayRef {
	if g.Name == "" {
		c.errorf(path+".name", "is required (the Gateway's name)")
	} else if msg := checkSubdomain(g.Name); msg != "" {
		c.errorf(path+".name", "%s", msg)
	}
	if g.Namespace != "" {
		c.namespace(path+".namespace", g.Namespace)
	}
	if g.SectionName != "" {
		if msg := checkSubdomain(g.SectionName); msg != "" {
			c.errorf(path+".sectionName", "%s", msg)
		}
	}
	return g
}

func (c *checker) issuer(path string, r *v1alpha1.IssuerRef) *v1alpha1.IssuerRef {
	out := *r
	if r.Name == "" {
		c.errorf(path+".name", "is required (the cert-manager issuer's name)")
	} else if msg := checkSubdomain(r.Name); msg != "" {
		c.errorf(path+".name", "%s", msg)
	}
	out.Kind = c.oneOf(path+".kind", r.Kind, DefaultIssuerKind, "ClusterIssuer", "Issuer")
	return &out
}

func (c *checker) secretName(path, name string) string {
	if name == "" || name == "none" {
		return name
	}
	if msg := checkSubdomain(name); msg != "" {
		c.errorf(path, "%s", msg)
	}
	return name
}

func (c *checker) replicas(path string, n int) int {
	if n < 0 || n > 10000 {
		c.errorf(path, "%d is out of range (0-10000)", n)
		return DefaultReplicas
	}
	return n
}

// crossService finds problems between services: one domain served twice.
func (c *checker) crossService(svcs []Service) {
	owner := map[string]string{}
	for _, s := range svcs {
		for i, d := range s.Domains {
			if prev, ok := owner[d]; ok && prev != s.Name {
				c.errorf(fmt.Sprintf("services.%s.%s", s.Name, domainField(c, s.Name, i)), "%q is already served by service %q", d, prev)
				continue
			}
			owner[d] = s.Name
		}
	}
}

// domainField names where the i-th domain of a service was written.
func domainField(c *checker, svc string, i int) string {
	if c.written(fmt.Sprintf("services.%s.domains[%d]", svc, i)) {
		return fmt.Sprintf("domains[%d]", i)
	}
	return "domain"
}
