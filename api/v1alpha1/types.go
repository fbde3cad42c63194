package v1alpha1

// File is one ferry.yaml: file-wide defaults, migration settings and one or
// more services keyed by name.
type File struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// Defaults apply to every service unless the service overrides them.
	Defaults *Defaults `json:"defaults,omitempty"`
	// Migration configures "ferry migrate" for every service of the file.
	Migration *Migration `json:"migration,omitempty"`
	// Notifications receive migration and deploy events.
	Notifications []Notification `json:"notifications,omitempty"`
	// RunIn says where "ferry deploy" and "ferry migrate" do their work:
	// "local" (default: in the ferry process that runs the command) or
	// "cluster" (the controller does it, through a ServiceFile and
	// Migration objects the command creates and commands). The
	// --in-cluster flag overrides it.
	RunIn string `json:"runIn,omitempty"`
	// Services by name. A name becomes the name of each object rendered for
	// the service, so it must be a DNS-1035 label ("api", "web-admin").
	Services map[string]*Service `json:"services"`
}

// Defaults are written once per file.
type Defaults struct {
	// Namespace of every service (default "default").
	Namespace string `json:"namespace,omitempty"`
	// IngressClass routes domains through an Ingress of this class ("nginx").
	IngressClass string `json:"ingressClass,omitempty"`
	// Gateway routes domains through a Gateway API HTTPRoute attached to this
	// Gateway instead of an Ingress. Mutually exclusive with IngressClass.
	Gateway *GatewayRef `json:"gateway,omitempty"`
	// Issuer is the cert-manager issuer that gives each domain its TLS
	// certificate. Empty means no TLS is requested by ferry.
	Issuer *IssuerRef `json:"issuer,omitempty"`
	// RegistrySecret names a kubernetes.io/dockerconfigjson Secret used to
	// pull every image (imagePullSecrets).
	RegistrySecret string `json:"registrySecret,omitempty"`
	// DNSTTL is the TTL external-dns and ferry migrate give each domain
	// ("60s", default 60s).
	DNSTTL string `json:"dnsTTL,omitempty"`
	// ExternalDNS matches the annotations ferry writes to the cluster's
	// external-dns.
	ExternalDNS *ExternalDNS `json:"externalDNS,omitempty"`
	// Replicas, CPU and Memory are the defaults for services that omit them
	// (2, "100m", "128Mi").
	Replicas *int   `json:"replicas,omitempty"`
	CPU      string `json:"cpu,omitempty"`
	Memory   string `json:"memory,omitempty"`
}

// ExternalDNS describes the cluster's external-dns.
type ExternalDNS struct {
	// AnnotationPrefix is the prefix of the annotations external-dns reads
	// (its --annotation-prefix): "external-dns.kubernetes.io/" by default,
	// as external-dns has read since v0.22; "external-dns.alpha.kubernetes.io/"
	// for v0.21 and older.
	AnnotationPrefix string `json:"annotationPrefix,omitempty"`
}

// GatewayRef names a Gateway API Gateway.
type GatewayRef struct {
	Name        string `json:"name"`
	Namespace   string `json:"namespace,omitempty"`
	SectionName string `json:"sectionName,omitempty"`
}

// IssuerRef names a cert-manager Issuer or ClusterIssuer. Written as a plain
// string it names a ClusterIssuer.
type IssuerRef struct {
	Name string `json:"name"`
	// Kind is ClusterIssuer (default) or Issuer.
	Kind string `json:"kind,omitempty"`
}

// UnmarshalText reads the short form "issuer: letsencrypt".
func (r *IssuerRef) UnmarshalText(b []byte) error {
	r.Name = string(b)
	return nil
}

// Service is one workload: what runs, where it is reached, how big it is.
type Service struct {
	// Image with a tag or digest ("registry.example.com/shop/api:1.4.2").
	//
	// +kubebuilder:validation:MinLength=1
	Image   string   `json:"image"`
	Command []string `json:"command,omitempty"`
	Args    []string `json:"args,omitempty"`
	// Port the container serves HTTP on. Without it no Service, Ingress or
	// probe is rendered (a worker).
	//
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=65535
	Port *int `json:"port,omitempty"`
	// Domain is shorthand for a single entry of Domains.
	Domain  string   `json:"domain,omitempty"`
	Domains []string `json:"domains,omitempty"`
	// TLS requests a certificate for the domains from the file's issuer
	// (default true when an issuer is set).
	TLS *bool `json:"tls,omitempty"`
	// Health is the readiness probe's HTTP path ("/healthz").
	Health    string `json:"health,omitempty"`
	Readiness *Probe `json:"readiness,omitempty"`
	// Liveness restarts containers whose probe fails; off unless set.
	Liveness *Probe `json:"liveness,omitempty"`
	// +kubebuilder:validation:Minimum=0
	Replicas *int `json:"replicas,omitempty"`
	// CPU and Memory are resource requests ("250m", "256Mi"); the memory
	// limit defaults to the request and there is no CPU limit unless Limits
	// says so.
	CPU    string  `json:"cpu,omitempty"`
	Memory string  `json:"memory,omitempty"`
	Limits *Limits `json:"limits,omitempty"`
	// Env are plain environment variables, in name order.
	Env map[string]string `json:"env,omitempty"`
	// Secrets are Kubernetes Secrets the container reads, as environment
	// variables or as files.
	Secrets []SecretRef `json:"secrets,omitempty"`
	// RegistrySecret overrides the file's default pull secret ("" keeps it;
	// "none" pulls without one).
	RegistrySecret string `json:"registrySecret,omitempty"`
	// MetricsPort is scraped by Prometheus at MetricsPath (default /metrics).
	MetricsPort *int   `json:"metricsPort,omitempty"`
	MetricsPath string `json:"metricsPath,omitempty"`
	Namespace   string `json:"namespace,omitempty"`
	// Rollout overrides the zero-downtime defaults.
	Rollout *Rollout `json:"rollout,omitempty"`
	// Disruption overrides the PodDisruptionBudget (rendered when
	// replicas > 1).
	Disruption *Disruption `json:"disruption,omitempty"`
	// Spread overrides the topology spread over zones and hosts.
	Spread *Spread `json:"spread,omitempty"`
	// Annotations and Labels are added to the pods.
	Annotations map[string]string `json:"annotations,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	// DNSTTL overrides the file's default for this service's domains.
	DNSTTL string `json:"dnsTTL,omitempty"`

	// Legacy is where the service runs today (its load balancer); used by
	// "ferry migrate".
	Legacy *Endpoint `json:"legacy,omitempty"`
	// Cluster is the cluster's ingress load balancer for this service.
	Cluster *Endpoint `json:"cluster,omitempty"`
	// PreviewDomain points at the cluster only, before any real traffic
	// moves ("api.k8s.example.com").
	PreviewDomain string `json:"previewDomain,omitempty"`
}

// Probe is an HTTP probe. Written as a plain string it is just the path.
type Probe struct {
	Path             string `json:"path"`
	Period           string `json:"period,omitempty"`
	Timeout          string `json:"timeout,omitempty"`
	InitialDelay     string `json:"initialDelay,omitempty"`
	FailureThreshold *int   `json:"failureThreshold,omitempty"`
}

// UnmarshalText reads the short form "liveness: /livez".
func (p *Probe) UnmarshalText(b []byte) error {
	p.Path = string(b)
	return nil
}

// Limits are resource limits.
type Limits struct {
	CPU    string `json:"cpu,omitempty"`
	Memory string `json:"memory,omitempty"`
}

// SecretRef is a Secret the container reads. Written as a plain string it
// loads every key of that Secret as environment variables.
type SecretRef struct {
	Name string `json:"name"`
	// Mount puts the Secret's keys as files in this directory instead.
	Mount string `json:"mount,omitempty"`
	// Key and Env expose one key as one variable.
	Key string `json:"key,omitempty"`
	Env string `json:"env,omitempty"`
}

// UnmarshalText reads the short form "secrets: [api-env]".
func (s *SecretRef) UnmarshalText(b []byte) error {
	s.Name = string(b)
	return nil
}

// Rollout tunes how a new version replaces the old.
type Rollout struct {
	MaxSurge       string `json:"maxSurge,omitempty"`
	MaxUnavailable string `json:"maxUnavailable,omitempty"`
	// PreStop pauses before SIGTERM so load balancers stop sending first
	// (default "5s"; "0s" disables).
	PreStop string `json:"preStop,omitempty"`
	// TerminationGrace is the time from SIGTERM to SIGKILL after the pause
	// (default "30s").
	TerminationGrace string `json:"terminationGrace,omitempty"`
	MinReady         string `json:"minReady,omitempty"`
}

// Disruption is the PodDisruptionBudget: set one of the two.
type Disruption struct {
	MaxUnavailable string `json:"maxUnavailable,omitempty"`
	MinAvailable   string `json:"minAvailable,omitempty"`
}

// Spread says how hard to spread pods over zones and hosts: "preferred"
// (default), "required" or "off".
type Spread struct {
	Zones string `json:"zones,omitempty"`
	Hosts string `json:"hosts,omitempty"`
}

// Endpoint is an address a side of a migration is reached at: an IP address
// or a host name, with an optional port.
type Endpoint struct {
	// +kubebuilder:validation:MinLength=1
	Address string `json:"address"`
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=65535
	Port *int `json:"port,omitempty"`
	// Alias publishes this side as a Route 53 alias record to Address, a
	// load balancer's DNS name (ferry's own server answers it as a CNAME to
	// Address); migration.ttl must then be 60s, the TTL resolvers see for a
	// load balancer.
	Alias *Alias `json:"alias,omitempty"`
}

// Alias is the Route 53 alias target of an endpoint: the hosted zone of
// the load balancer (per region for ELB, like Z35SXDOTRQ7X7K).
type Alias struct {
	HostedZoneID         string `json:"hostedZoneId"`
	EvaluateTargetHealth bool   `json:"evaluateTargetHealth,omitempty"`
}

// UnmarshalText reads the short form "legacy: lb.example.net".
func (e *Endpoint) UnmarshalText(b []byte) error {
	e.Address = string(b)
	return nil
}
