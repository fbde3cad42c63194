package cli_test

// invalidFiles maps each testdata/invalid/invalid-NAME.yaml to the exact
// problems "ferry validate" must report for it, as LINE:COL: message.
var invalidFiles = map[string][]string{
	"annotation-key-invalid": {
		`7:19: service "api": annotations.not a key: "not a key" is not a valid annotation key: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
	},
	"bad-cpu-quantity": {
		`7:10: service "api": cpu: "lots" is not a quantity (write it like 250m or 0.5)`,
	},
	"bad-duration": {
		`7:24: service "api": rollout.preStop: "5 seconds" is not a duration (write it like 30s, 500ms or 5m)`,
	},
	"bad-env-name": {
		`7:11: service "api": env.1BAD: "1BAD" is not a valid variable name (letters, digits and _, not starting with a digit)`,
	},
	"bad-memory-millibytes": {
		`7:13: service "api": memory: 256m is less than one mebibyte; did you mean 256Mi?`,
	},
	"bad-namespace": {
		`4:14: defaults.namespace: "Shop_Prod" must be lower case letters, digits and '-' (like "shop-prod")`,
	},
	"run-in-unknown": {
		`3:8: runIn: "kubernetes" is not one of: local, cluster`,
	},
	"external-dns-prefix-no-slash": {
		`4:35: defaults.externalDNS.annotationPrefix: "external-dns.kubernetes.io" must end with "/" (like external-dns.kubernetes.io/)`,
	},
	"dns-ttl-zero": {
		`4:11: defaults.dnsTTL: 0s is too short; a TTL is at least 1s`,
	},
	"domain-and-domains": {
		`7:13: service "api": domain: set either domain or domains, not both`,
	},
	"domain-without-port": {
		`5:5: service "api": port: is required when the service has a domain (the port its HTTP server listens on)`,
	},
	"duplicate-domain-across-services": {
		`11:13: service "web": domain: "shop.example.com" is already served by service "api"`,
	},
	"duplicate-service": {
		`6:3: service "api": is defined twice (first at line 4)`,
	},
	"duration-too-long": {
		`7:25: service "api": rollout.minReady: 1000000h is longer than Kubernetes can hold (at most 596523h14m7s)`,
	},
	"empty-file": {
		`1:1: file is empty; run "ferry init" for an example`,
	},
	"env-set-twice": {
		`8:46: service "api": secrets[0].env: variable "DB_PASSWORD" is already set by env or another secret`,
	},
	"failure-threshold-too-large": {
		`7:49: service "api": readiness.failureThreshold: 4294967297 is out of range (1-1000)`,
	},
	"fractional-seconds": {
		`7:33: service "api": rollout.terminationGrace: 1500ms is not a whole number of seconds (Kubernetes counts this in seconds)`,
	},
	"gateway-with-issuer": {
		`5:11: defaults.issuer: with a gateway, certificates belong to the Gateway's listeners (annotate the Gateway for cert-manager); leave issuer out`,
	},
	"gateway-with-tls": {
		`10:10: service "api": tls: with a gateway, TLS is terminated by the Gateway's listener, not per service; leave tls out`,
	},
	"health-without-slash": {
		`7:13: service "api": health: "healthz" must start with / (like /healthz)`,
	},
	"image-invalid-reference": {
		`5:12: service "api": image: "Registry.Example.com/API:1" is not a valid image reference (lower case [registry/]path:tag or @sha256:digest)`,
	},
	"image-missing": {
		`5:5: service "api": image: is required (like registry.example.com/team/api:1.4.2)`,
	},
	"image-without-tag": {
		`5:12: service "api": image: "nginx" has no tag or digest; pin a version (like nginx:1.0.0 or nginx@sha256:…)`,
	},
	"ingress-class-and-gateway": {
		`5:12: defaults.gateway: set either ingressClass or gateway, not both`,
	},
	"invalid-dns-name-not-fqdn": {
		`7:13: service "api": domain: "localhost" is not a fully qualified domain name (like api.example.com)`,
	},
	"invalid-dns-name-trailing-dot": {
		`7:13: service "api": domain: "api.example.com." must not end with a dot (write "api.example.com")`,
	},
	"invalid-dns-name-underscore": {
		`7:15: service "api": domains[0]: "api_v2.example.com" is not a valid domain name: each label is letters, digits and '-', not starting or ending with '-'`,
	},
	"invalid-dns-name-uppercase": {
		`7:13: service "api": domain: "API.example.com" must be lower case (write "api.example.com")`,
	},
	"label-key-invalid": {
		`7:14: service "api": labels.bad key!: "bad key!" is not a valid label key: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
	},
	"label-value-too-long": {
		`7:20: service "api": labels.team: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" is not a valid label value: must be no more than 63 bytes`,
	},
	"limit-below-request": {
		`8:22: service "api": limits.memory: 256Mi is below the request 512Mi`,
	},
	"many-problems-at-once": {
		`5:12: service "api": image: "nginx" has no tag or digest; pin a version (like nginx:1.0.0 or nginx@sha256:…)`,
		`6:11: service "api": port: 99999 is out of range (1-65535)`,
		`7:15: service "api": replicas: expected a whole number, got the string "many"`,
		`8:13: service "api": memory: 1m is less than one mebibyte; did you mean 1Mi?`,
		`9:13: service "api": domain: "Bad_Domain" is not a fully qualified domain name (like api.example.com)`,
	},
	"metrics-port-out-of-range": {
		`7:18: service "api": metricsPort: -1 is out of range (1-65535)`,
	},
	"migration-bad-success-ratio": {
		`4:25: migration.gates.successRatio: 99 is not a ratio above 0 and at most 1 (like 0.99)`,
	},
	"migration-endpoint-kinds-differ": {
		`9:14: service "api": cluster: "ingress.k8s.example.com" is a host name but legacy "198.51.100.7" is an IPv4 address; one weighted record set holds one record type, so both sides must be IPv4 addresses (or Route 53 aliases), IPv6 addresses or host names`,
	},
	"migration-failures-zero": {
		`4:21: migration.gates.failures: 0 must be at least 1: ferry acts after this many failing evaluations in a row`,
	},
	"migration-gate-paths-empty": {
		`4:18: migration.gates.paths: must list at least one path (like [/healthz, /]); leave it out for the default`,
	},
	"migration-gates-path-renamed": {
		`4:11: migration.gates.path: unknown field (did you mean "paths"?)`,
	},
	"migration-interval-zero": {
		`4:21: migration.gates.interval: 0s must be more than 0: each side would be probed without a pause`,
	},
	"migration-last-step-not-100": {
		`4:15: migration.steps[1]: the last step is 50; it must be 100 so the cluster takes all traffic`,
	},
	"migration-lease-too-short": {
		`4:10: migration.lease: 10s is shorter than 15s: the lease is renewed every third of its length, so a shorter one could lapse between renewals and let another run take the domain`,
	},
	"migration-lease-zero": {
		`4:10: migration.lease: 0s is shorter than 15s: the lease is renewed every third of its length, so a shorter one could lapse between renewals and let another run take the domain`,
	},
	"migration-legacy-bad-address": {
		`8:13: service "api": legacy: "lb.example.net:443" is neither an IP address nor a host name (put a port under port:)`,
		`9:14: service "api": cluster: "203.0.113.10" is an IPv4 address but legacy "lb.example.net:443" is a host name; one weighted record set holds one record type, so both sides must be IPv4 addresses (or Route 53 aliases), IPv6 addresses or host names`,
	},
	"migration-min-requests-never-fit": {
		`4:51: migration.gates.minRequests: 6 probes never fit in a 10s window at one every 2s; the gate could never pass (at most 5)`,
	},
	"migration-missing-legacy": {
		`5:5: service "api": legacy: is required to migrate (where the service runs today, like legacy: lb.example.net)`,
	},
	"migration-on-both-failing-unknown": {
		`4:18: migration.onBothFailing: "shrug" is not one of: pause, rollback`,
	},
	"migration-p99-zero": {
		`4:23: migration.gates.p99Latency: 0s must be more than 0: no answer is that fast, so both sides would always fail`,
	},
	"migration-parity-path-twice": {
		`4:33: migration.parity.paths[2]: "/healthz" is listed twice`,
	},
	"migration-promotion-unknown": {
		`4:14: migration.promotion: "sometimes" is not one of: auto, manual`,
	},
	"migration-retry-for-zero": {
		`4:19: migration.dns.retryFor: 0s must be more than 0: the first DNS change that fails for a moment would pause the migration (write how long to retry, like 2m)`,
	},
	"migration-same-endpoints": {
		`9:14: service "api": cluster: "lb.example.net." port 80 is the legacy endpoint too ("lb.example.net" port 80); a migration moves traffic between two different places, and cluster is the cluster's ingress load balancer`,
	},
	"migration-step-over-100": {
		`4:19: migration.steps[2]: 150 is not a percentage (0-100)`,
	},
	"migration-steps-not-increasing": {
		`4:18: migration.steps[2]: 5 does not increase on the step before it (10); steps must strictly increase`,
	},
	"migration-success-ratio-zero": {
		`4:25: migration.gates.successRatio: 0 is not a ratio above 0 and at most 1 (like 0.99)`,
	},
	"migration-ttl-zero": {
		`4:8: migration.ttl: 0s is too short; a TTL is at least 1s`,
	},
	"migration-unknown-provider": {
		`4:19: migration.dns.provider: "bind9" is not one of: ferry, route53, external-dns`,
	},
	"migration-window-zero": {
		`4:19: migration.gates.window: 0s must be more than 0: a window of no time holds no measurements, so no gate could pass`,
	},
	"missing-kind": {
		`1:1: kind: is required (kind: Services)`,
	},
	"negative-replicas": {
		`7:15: service "api": replicas: -1 is out of range (0-10000)`,
	},
	"no-services": {
		`1:1: services: at least one service is required under services:`,
	},
	"pdb-allows-no-disruption": {
		`8:34: service "api": disruption.maxUnavailable: 0 would allow no disruption; node drains would hang`,
	},
	"pdb-min-available-100-percent": {
		`8:32: service "api": disruption.minAvailable: 100% of 3 replicas would allow no disruption; node drains would hang`,
	},
	"pdb-with-one-replica": {
		`8:17: service "api": disruption: a PodDisruptionBudget needs replicas > 1 (with one replica it would block every node drain)`,
	},
	"port-out-of-range": {
		`6:11: service "api": port: 70000 is out of range (1-65535)`,
	},
	"port-zero": {
		`6:11: service "api": port: 0 is out of range (1-65535)`,
	},
	"reserved-label": {
		`7:14: service "api": labels.app.kubernetes.io/name: "app.kubernetes.io/name" is set by ferry; choose another key`,
	},
	"rollout-cannot-progress": {
		`7:25: service "api": rollout.maxSurge: maxSurge and maxUnavailable cannot both be 0: the rollout could never start`,
	},
	"secret-key-without-env": {
		`7:15: service "api": secrets[0]: key and env go together: key names the Secret's key, env the variable`,
	},
	"secret-mount-twice": {
		`7:58: service "api": secrets[1].mount: "/etc/s" is already the mount of another secret`,
	},
	"secret-relative-mount": {
		`7:33: service "api": secrets[0].mount: "etc/db" must be an absolute path`,
	},
	"service-name-uppercase": {
		`4:3: service "Api": "Api" must be lower case letters, digits and '-', starting with a letter (like "api")`,
	},
	"spread-unknown-mode": {
		`7:21: service "api": spread.zones: "always" is not one of: preferred, required, off`,
	},
	"tls-without-issuer": {
		`8:10: service "api": tls: needs defaults.issuer (the cert-manager issuer, like issuer: letsencrypt)`,
	},
	"two-documents": {
		`7:1: a ferry file holds one YAML document; put every service under services:`,
	},
	"unknown-field": {
		`7:5: service "api": domian: unknown field (did you mean "domain"?)`,
	},
	"unknown-top-level-field": {
		`1:1: services: at least one service is required under services:`,
		`3:1: service: unknown field (did you mean "services"?)`,
	},
	"wrong-api-version": {
		`1:13: apiVersion: "ferry.dev/v1" is not supported (this ferry reads ferry.dev/v1alpha1)`,
	},
	"wrong-type-env-list": {
		`7:10: service "api": env: expected a mapping, got a list`,
	},
	"wrong-type-port-list": {
		`6:11: service "api": port: expected a whole number, got a list`,
	},
	"wrong-type-replicas-string": {
		`7:15: service "api": replicas: expected a whole number, got the string "3"`,
	},
	"wrong-type-tls-string": {
		`8:10: service "api": tls: expected true or false, got the string "yes please"`,
	},
	"yaml-syntax-error": {
		`3:1: invalid YAML: did not find expected key`,
	},
	"zero-cpu": {
		`7:10: service "api": cpu: 0 must be more than zero`,
	},
	"migration-metrics-no-check": {
		`5:14: migration.gates.metrics: names no check: set cluster: (one of envoy-gateway, exporter, ingress-nginx) for the built-in checks, or queries:`,
		`5:72: migration.gates.metrics.inconclusiveLimit: 0 must be at least 1: the migration pauses after this many evaluations in a row without an answer`,
	},
	"migration-metrics-no-prometheus": {
		`5:14: migration.gates.metrics.prometheus: is required: the base URL of the Prometheus that scrapes both sides (like http://prometheus:9090)`,
	},
	"migration-metrics-query-problems": {
		`8:11: migration.gates.metrics.queries[0]: set exactly one of min or max: the threshold the value must keep`,
		`9:18: migration.gates.metrics.queries[0].query: {{ job }}: unknown placeholder (known: {{side}}, {{domain}}, {{service}}, {{window}})`,
		`12:28: migration.gates.metrics.queries[0].sides[1]: "staging" is not a side (legacy or cluster)`,
	},
	"migration-metrics-unknown-shape": {
		`5:62: migration.gates.metrics.cluster: "nginx" is not one of: envoy-gateway, exporter, ingress-nginx`,
	},
	"migration-webhook-type-unknown": {
		`5:14: migration.webhooks[0].type: "confirm-promotion" is not one of: confirm-step, pre-step, post-step, rollback`,
		`6:7: migration.webhooks[1].url: is required`,
	},
	"notification-bad-format-no-url": {
		`4:14: notifications[0].format: "teams" is not one of: slack, json`,
		`5:5: notifications[1]: set one of urlFile, urlEnv and urlSecretRef: a webhook URL is a secret, kept out of the service file`,
		`6:5: notifications[2]: set one of urlFile, urlEnv and urlSecretRef: a webhook URL is a secret, kept out of the service file`,
		`7:27: notifications[3].urlSecretRef.name: "Hooks" is not a Secret name: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
	},
}
