package spec

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"ferry.dev/ferry/api/v1alpha1"
)

func (c *checker) service(path, name string, raw *v1alpha1.Service, d fileDefaults) Service {
	s := Service{
		Name:         name,
		Namespace:    d.namespace,
		Image:        raw.Image,
		Command:      raw.Command,
		Args:         raw.Args,
		Port:         c.port(path+".port", raw.Port),
		IngressClass: d.ingressClass,
		Gateway:      d.gateway,
		MetricsPort:  c.port(path+".metricsPort", raw.MetricsPort),
		Annotations:  raw.Annotations,
		Labels:       raw.Labels,
		DNSTTL:       c.ttl(path+".dnsTTL", raw.DNSTTL, d.dnsTTL),
		DNSPrefix:    d.dnsPrefix,
	}
	if msg := checkImage(raw.Image); msg != "" {
		c.errorf(path+".image", "%s", msg)
	}
	if raw.Namespace != "" {
		s.Namespace = c.namespace(path+".namespace", raw.Namespace)
	}
	s.Domains = c.domains(path, raw)
	s.Issuer = c.tls(path, raw, d, s.Domains)
	c.probes(path, raw, &s)
	s.Replicas = int32(d.replicas)
	if raw.Replicas != nil {
		s.Replicas = int32(c.replicas(path+".replicas", *raw.Replicas))
	}
	c.resources(path, raw, d, &s)
	s.Env = c.env(path+".env", raw.Env)
	s.Secrets = c.secrets(path+".secrets", raw.Secrets)
	s.PullSecret = d.pullSecret
	if raw.RegistrySecret != "" {
		s.PullSecret = c.secretName(path+".registrySecret", raw.RegistrySecret)
	}
	if s.PullSecret == "none" {
		s.PullSecret = ""
	}
	s.MetricsPath = c.httpPath(path+".metricsPath", raw.MetricsPath, DefaultMetricsPath)
	if raw.MetricsPath != "" && s.MetricsPort == 0 {
		c.errorf(path+".metricsPath", "needs metricsPort")
	}
	s.Rollout = c.rollout(path+".rollout", raw.Rollout)
	s.Disruption = c.disruption(path+".disruption", raw.Disruption, s.Replicas)
	s.SpreadZones, s.SpreadHosts = c.spread(path+".spread", raw.Spread)
	c.labels(path+".labels", raw.Labels)
	c.annotations(path+".annotations", raw.Annotations)
	c.uniqueEnv(path, s.Env, s.Secrets)
	s.Migration = c.serviceMigration(path, raw, s, d.probes)
	return s
}

func (c *checker) domains(path string, raw *v1alpha1.Service) []string {
	var out []string
	if raw.Domain != "" {
		if len(raw.Domains) > 0 {
			c.errorf(path+".domain", "set either domain or domains, not both")
		}
		if msg := checkDomain(raw.Domain); msg != "" {
			c.errorf(path+".domain", "%s", msg)
		}
		out = append(out, raw.Domain)
	}
	seen := map[string]bool{}
	for i, dom := range raw.Domains {
		field := fmt.Sprintf("%s.domains[%d]", path, i)
		if msg := checkDomain(dom); msg != "" {
			c.errorf(field, "%s", msg)
		} else if seen[dom] {
			c.errorf(field, "%q is listed twice", dom)
		}
		seen[dom] = true
		out = append(out, dom)
	}
	if len(out) > 0 && raw.Port == nil {
		c.errorf(path+".port", "is required when the service has a domain (the port its HTTP server listens on)")
	}
	return out
}

func (c *checker) tls(path string, raw *v1alpha1.Service, d fileDefaults, domains []string) *v1alpha1.IssuerRef {
	if d.gateway != nil {
		if raw.TLS != nil && *raw.TLS {
			c.errorf(path+".tls", "with a gateway, TLS is terminated by the Gateway's listener, not per service; leave tls out")
		}
		return nil
	}
	if raw.TLS == nil {
		if len(domains) == 0 {
			return nil
		}
		return d.issuer
	}
	if !*raw.TLS {
		return nil
	}
	switch {
	case len(domains) == 0:
		c.errorf(path+".tls", "needs a domain to request a certificate for")
	case d.issuer == nil:
		c.errorf(path+".tls", "needs defaults.issuer (the cert-manager issuer, like issuer: letsencrypt)")
	}
	return d.issuer
}

func (c *checker) probes(path string, raw *v1alpha1.Service, s *Service) {
	if raw.Health != "" && raw.Readiness != nil {
		c.errorf(path+".health", "set either health or readiness, not both")
	}
	hasPort := raw.Port != nil
	if raw.Health != "" {
		// The shorthand is the probe's path: point problems at "health".
		s.Readiness = c.probe(path+".health", &v1alpha1.Probe{Path: raw.Health}, hasPort)
	} else {
		s.Readiness = c.probe(path+".readiness", raw.Readiness, hasPort)
	}
	s.Liveness = c.probe(path+".liveness", raw.Liveness, hasPort)
	if s.Readiness == nil && hasPort {
		// No health path: still never send traffic to a pod before its
		// server accepts connections.
		s.Readiness = &Probe{Period: DefaultProbePeriod, Timeout: DefaultProbeTimeout, FailureThreshold: DefaultProbeFailures}
	}
}

func (c *checker) probe(path string, raw *v1alpha1.Probe, hasPort bool) *Probe {
	if raw == nil {
		return nil
	}
	if !hasPort {
		c.errorf(path, "an HTTP probe needs the service's port")
	}
	pathField := path + ".path"
	if strings.HasSuffix(path, ".health") {
		pathField = path
	}
	p := &Probe{
		Path:             c.httpPath(pathField, raw.Path, ""),
		Period:           c.seconds(path+".period", raw.Period, DefaultProbePeriod),
		Timeout:          c.seconds(path+".timeout", raw.Timeout, DefaultProbeTimeout),
		InitialDelay:     c.seconds(path+".initialDelay", raw.InitialDelay, 0),
		FailureThreshold: DefaultProbeFailures,
	}
	if p.Period == 0 {
		c.errorf(path+".period", "must be at least 1s")
	}
	if p.Timeout == 0 {
		c.errorf(path+".timeout", "must be at least 1s")
	}
	if raw.FailureThreshold != nil {
		p.FailureThreshold = int32(c.count(path+".failureThreshold", *raw.FailureThreshold, 1, 1000))
	}
	return p
}

func (c *checker) httpPath(path, p, def string) string {
	switch {
	case p == "" && def == "":
		c.errorf(path, "is required (an HTTP path like /healthz)")
	case p == "":
		return def
	case !strings.HasPrefix(p, "/"):
		c.errorf(path, "%q must start with / (like /%s)", p, p)
	case strings.ContainsAny(p, " \t\n"):
		c.errorf(path, "%q must not contain spaces", p)
	}
	return p
}

func (c *checker) resources(path string, raw *v1alpha1.Service, d fileDefaults, s *Service) {
	s.Requests.CPU = c.quantity(path+".cpu", raw.CPU, d.cpu, false)
	s.Requests.Memory = c.quantity(path+".memory", raw.Memory, d.memory, true)
	s.Limits.Memory = s.Requests.Memory
	if raw.Limits == nil {
		return
	}
	s.Limits.CPU = c.quantity(path+".limits.cpu", raw.Limits.CPU, "", false)
	if raw.Limits.Memory != "" {
		s.Limits.Memory = c.quantity(path+".limits.memory", raw.Limits.Memory, "", true)
	}
	if s.Limits.CPU != nil && s.Requests.CPU != nil && s.Limits.CPU.Cmp(*s.Requests.CPU) < 0 {
		c.errorf(path+".limits.cpu", "%s is below the request %s", s.Limits.CPU, s.Requests.CPU)
	}
	if s.Limits.Memory != nil && s.Requests.Memory != nil && s.Limits.Memory.Cmp(*s.Requests.Memory) < 0 {
		c.errorf(path+".limits.memory", "%s is below the request %s", s.Limits.Memory, s.Requests.Memory)
	}
}

func (c *checker) env(path string, raw map[string]string) []EnvVar {
	names := slices.Sorted(maps.Keys(raw))
	out := make([]EnvVar, 0, len(names))
	for _, n := range names {
		if !isEnvName(n) {
			c.errorf(path+"."+n+"#key", "%q is not a valid variable name (letters, digits and _, not starting with a digit)", n)
		}
		out = append(out, EnvVar{Name: n, Value: raw[n]})
	}
	return out
}

// uniqueEnv: one variable name set twice, or two Secrets mounted at one
// path, is rejected or silently dropped by Kubernetes.
func (c *checker) uniqueEnv(path string, env []EnvVar, secrets []v1alpha1.SecretRef) {
	names := map[string]bool{}
	for _, e := range env {
		names[e.Name] = true
	}
	mounts := map[string]bool{}
	for i, s := range secrets {
		p := fmt.Sprintf("%s.secrets[%d]", path, i)
		if s.Env != "" && names[s.Env] {
			c.errorf(p+".env", "variable %q is already set by env or another secret", s.Env)
		}
		if s.Mount != "" && mounts[s.Mount] {
			c.errorf(p+".mount", "%q is already the mount of another secret", s.Mount)
		}
		names[s.Env], mounts[s.Mount] = true, true
	}
}

func (c *checker) secrets(path string, raw []v1alpha1.SecretRef) []v1alpha1.SecretRef {
	for i, s := range raw {
		p := fmt.Sprintf("%s[%d]", path, i)
		if s.Name == "" {
			c.errorf(p+".name", "is required (the Secret's name)")
		} else {
			c.secretName(p+".name", s.Name)
		}
		switch {
		case s.Mount != "" && (s.Key != "" || s.Env != ""):
			c.errorf(p+".mount", "mount puts every key in files; leave out key and env")
		case s.Mount != "" && !strings.HasPrefix(s.Mount, "/"):
			c.errorf(p+".mount", "%q must be an absolute path", s.Mount)
		case (s.Key == "") != (s.Env == ""):
			c.errorf(p, "key and env go together: key names the Secret's key, env the variable")
		case s.Env != "" && !isEnvName(s.Env):
			c.errorf(p+".env", "%q is not a valid variable name", s.Env)
		}
	}
	return raw
}

func (c *checker) labels(path string, labels map[string]string) {
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		switch {
		case strings.HasPrefix(k, "app.kubernetes.io/") || strings.HasPrefix(k, "ferry.dev/"):
			c.errorf(path+"."+k+"#key", "%q is set by ferry; choose another key", k)
		case len(validation.IsQualifiedName(k)) > 0:
			c.errorf(path+"."+k+"#key", "%q is not a valid label key: %s", k, strings.Join(validation.IsQualifiedName(k), "; "))
		case len(validation.IsValidLabelValue(labels[k])) > 0:
			c.errorf(path+"."+k, "%q is not a valid label value: %s", labels[k], strings.Join(validation.IsValidLabelValue(labels[k]), "; "))
		}
	}
}

func (c *checker) annotations(path string, annotations map[string]string) {
	for _, k := range slices.Sorted(maps.Keys(annotations)) {
		if errs := validation.IsQualifiedName(strings.ToLower(k)); len(errs) > 0 {
			c.errorf(path+"."+k+"#key", "%q is not a valid annotation key: %s", k, strings.Join(errs, "; "))
		}
	}
}
