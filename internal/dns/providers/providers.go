package providers

import (
	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/adminclient"
	"ferry.dev/ferry/internal/dns/route53"
)

// Registry returns a new registry of ferry's DNS providers:
//   - "ferry": ferry's own DNS server through its admin API (needs
//     migration.dns.server and migration.dns.tokenFile).
//   - "route53": Amazon Route 53, credentials from the standard AWS chain
//     (optional migration.dns.hostedZoneId and migration.dns.endpoint).
//   - "external-dns": DNSEndpoint objects the cluster's external-dns
//     publishes (migration.dns.namespace, context, publishesTo), read back
//     from ferry's server or Route 53 when the file names one.
func Registry() dns.Registry {
	return dns.Registry{
		"ferry":        adminclient.FromSettings,
		"route53":      route53.FromSettings,
		"external-dns": externalDNS,
	}
}
