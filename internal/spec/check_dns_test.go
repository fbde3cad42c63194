package spec_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/spec"
)

// TestDNSProviderSettings: each provider takes its own settings and
// refuses the other's, at the field's position; route53's reach the
// provider keyed as its constructor takes them.
func TestDNSProviderSettings(t *testing.T) {
	legacy := "    legacy: 192.0.2.1\n    cluster: 192.0.2.2\n"
	tests := []struct {
		name string
		dns  string
		want map[string]string
		errs []string
	}{
		{name: "route53, zone found by name", dns: "{provider: route53}"},
		{name: "route53 with a zone and a stand-in", dns: `{provider: route53, hostedZoneId: /hostedzone/Z0123456789ABC, endpoint: "http://127.0.0.1:5000"}`,
			want: map[string]string{"hostedZoneId": "/hostedzone/Z0123456789ABC", "endpoint": "http://127.0.0.1:5000"}},
		{name: "route53 refuses ferry's settings", dns: `{provider: route53, server: "http://127.0.0.1:8081", tokenFile: t}`,
			errs: []string{"ferry.yaml:4:36: migration.dns.server: is a setting of provider ferry only", "migration.dns.tokenFile: is a setting of provider ferry only"}},
		{name: "a bad zone id", dns: "{provider: route53, hostedZoneId: zone-1}", errs: []string{`migration.dns.hostedZoneId: "zone-1" is not a Route 53 hosted zone id`}},
		{name: "a bad endpoint", dns: "{provider: route53, endpoint: 127.0.0.1:5000}", errs: []string{`migration.dns.endpoint: "127.0.0.1:5000" is not an http(s) URL`}},
		{name: "ferry refuses route53's settings", dns: `{provider: ferry, server: "http://127.0.0.1:8081", hostedZoneId: Z1}`,
			errs: []string{"migration.dns.hostedZoneId: is a setting of provider route53 only"}},
		{name: "external-dns with its defaults", dns: "{provider: external-dns}",
			want: map[string]string{"namespace": "default", "publishesTo": "aws", "txtOwnerId": "default", "annotationPrefix": "external-dns.kubernetes.io/"}},
		{name: "external-dns reading back from ferry's server", dns: `{provider: external-dns, namespace: shop, context: prod, publishesTo: webhook, server: "http://127.0.0.1:8053", tokenFile: t}`,
			want: map[string]string{"namespace": "shop", "context": "prod", "publishesTo": "webhook", "txtOwnerId": "default", "annotationPrefix": "external-dns.kubernetes.io/"}},
		{name: "external-dns reading back from Route 53", dns: `{provider: external-dns, hostedZoneId: Z0123456789ABC, endpoint: "http://127.0.0.1:5000"}`,
			want: map[string]string{"namespace": "default", "publishesTo": "aws", "hostedZoneId": "Z0123456789ABC", "endpoint": "http://127.0.0.1:5000",
				"txtOwnerId": "default", "annotationPrefix": "external-dns.kubernetes.io/"}},
		{name: "external-dns's TXT registry", dns: `{provider: external-dns, txtOwnerId: shop-cluster, txtPrefix: reg-}`,
			want: map[string]string{"namespace": "default", "publishesTo": "aws", "txtOwnerId": "shop-cluster", "txtPrefix": "reg-", "annotationPrefix": "external-dns.kubernetes.io/"}},
		{name: "a prefix or a suffix", dns: `{provider: external-dns, txtPrefix: a, txtSuffix: b}`,
			errs: []string{"migration.dns.txtSuffix: external-dns takes --txt-prefix or --txt-suffix, not both"}},
		{name: "an owner id the registry cannot hold", dns: `{provider: external-dns, txtOwnerId: "a,b"}`,
			errs: []string{`migration.dns.txtOwnerId: "a,b" cannot be an external-dns owner id`}},
		{name: "the owner id is external-dns's", dns: `{provider: route53, txtOwnerId: x}`,
			errs: []string{"migration.dns.txtOwnerId: is a setting of provider external-dns only"}},
		{name: "external-dns reads back from one provider", dns: `{provider: external-dns, publishesTo: webhook, server: "http://127.0.0.1:8053", tokenFile: t, hostedZoneId: Z1}`,
			errs: []string{"migration.dns.hostedZoneId: a step is read back from one provider"}},
		{name: "ferry's server is reached through the webhook only", dns: `{provider: external-dns, server: "http://127.0.0.1:8053", tokenFile: t}`,
			errs: []string{"migration.dns.server: reads back from ferry's DNS server, which external-dns reaches only with --provider=webhook"}},
		{name: "an external-dns provider that routes no weights", dns: "{provider: external-dns, publishesTo: google}",
			errs: []string{`migration.dns.publishesTo: "google" is not one of: aws, webhook`}},
		{name: "ferry refuses external-dns's settings", dns: `{provider: ferry, server: "http://127.0.0.1:8081", tokenFile: t, namespace: shop}`,
			errs: []string{"migration.dns.namespace: is a setting of provider external-dns only"}},
		{name: "ferry with its token in a Secret", dns: `{provider: ferry, server: "http://127.0.0.1:8081", tokenSecretRef: {name: dns-admin, key: token}}`},
		{name: "a token from a file and a Secret", dns: `{provider: ferry, server: "http://127.0.0.1:8081", tokenFile: t, tokenSecretRef: {name: dns-admin, key: token}}`,
			errs: []string{"migration.dns.tokenSecretRef: tokenFile and tokenSecretRef are exclusive"}},
		{name: "route53 refuses a token Secret", dns: `{provider: route53, tokenSecretRef: {name: dns-admin, key: token}}`,
			errs: []string{"migration.dns.tokenSecretRef: is a setting of provider ferry only"}},
		{name: "a token Secret's name and key as the API server checks them", dns: `{provider: ferry, server: "http://127.0.0.1:8081", tokenSecretRef: {name: DNS_admin, key: "a/b"}}`,
			errs: []string{`migration.dns.tokenSecretRef.name: "DNS_admin" is not a Secret name`, `migration.dns.tokenSecretRef.key: "a/b" is not a Secret key`}},
		{name: "an unknown provider", dns: "{provider: cloudflare}", errs: []string{`migration.dns.provider: "cloudflare" is not one of: ferry, route53`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := spec.Load("ferry.yaml", []byte(migrationFile("  dns: "+tt.dns+"\n", legacy)))
			if len(tt.errs) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, f.Migration.DNSSettings); diff != "" {
					t.Errorf("DNSSettings (-want +got):\n%s", diff)
				}
				return
			}
			for _, e := range tt.errs {
				if err == nil || !strings.Contains(err.Error(), e) {
					t.Errorf("Load error %v lacks %q", err, e)
				}
			}
		})
	}
}

// TestAliasEndpoints: a side published as a Route 53 alias needs a load
// balancer's name and the 60 s TTL resolvers see for it.
func TestAliasEndpoints(t *testing.T) {
	alias := "    legacy: {address: legacy-1.us-east-1.elb.amazonaws.com, alias: {hostedZoneId: Z35SXDOTRQ7X7K}}\n    cluster: 192.0.2.2\n"
	tests := []struct {
		name, migration, service string
		errs                     []string
	}{
		{name: "route53 at 60s", migration: "  ttl: 60s\n  dns: {provider: route53}\n", service: alias},
		{name: "ferry's server", migration: "  ttl: 60s\n  dns: {provider: ferry, server: \"http://127.0.0.1:8081\"}\n", service: alias},
		{name: "another TTL", migration: "  ttl: 30s\n  dns: {provider: route53}\n", service: alias,
			errs: []string{"legacy.alias: an alias is answered with the load balancer's 60 s TTL", "set migration.ttl: 60s"}},
		{name: "an address", migration: "  ttl: 60s\n  dns: {provider: route53}\n",
			service: "    legacy: {address: 192.0.2.1, alias: {hostedZoneId: Z35SXDOTRQ7X7K}}\n    cluster: 192.0.2.2\n",
			errs:    []string{"an alias targets a load balancer's DNS name, not the address 192.0.2.1"}},
		{name: "a bad zone", migration: "  ttl: 60s\n  dns: {provider: route53}\n",
			service: "    legacy: {address: lb.example.net, alias: {hostedZoneId: /hostedzone/Z1}}\n    cluster: 192.0.2.2\n",
			errs:    []string{`legacy.alias.hostedZoneId: "/hostedzone/Z1" is not a Route 53 hosted zone id`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := spec.Load("ferry.yaml", []byte(migrationFile(tt.migration, tt.service)))
			if len(tt.errs) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if a := f.Services[0].Migration.Legacy.Alias; a == nil || a.HostedZoneID != "Z35SXDOTRQ7X7K" {
					t.Errorf("legacy alias = %+v", a)
				}
				return
			}
			for _, e := range tt.errs {
				if err == nil || !strings.Contains(err.Error(), e) {
					t.Errorf("Load error %v lacks %q", err, e)
				}
			}
		})
	}
}
