package preflight

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/spec"
)

// base is a route53 migration of api.example.com between two addresses:
// every record set it writes is one Route 53 accepts.
const base = `apiVersion: ferry.dev/v1alpha1
kind: Services
migration:
  dns: {provider: route53}
services:
  api:
    image: registry.example.com/api:1
    port: 8080
    domain: api.example.com
    legacy: {address: 192.0.2.10}
    cluster: {address: 198.51.100.20}
`

// hostNames makes both sides of api host names: the record is a CNAME.
func hostNames(s string) string {
	s = strings.Replace(s, "{address: 192.0.2.10}", "{address: legacy-lb.example.net}", 1)
	return strings.Replace(s, "{address: 198.51.100.20}", "{address: ingress.example.net}", 1)
}

func load(t *testing.T, body string) *spec.File {
	t.Helper()
	f, err := spec.Load("ferry.yaml", []byte(body))
	if err != nil {
		t.Fatalf("the file is not valid to begin with: %v", err)
	}
	return f
}

// TestFile: each row is a file valid in itself whose migration writes a
// record set Route 53 would refuse (or none), with every problem ferry
// validate reports, at the field responsible.
func TestFile(t *testing.T) {
	web := `  web:
    image: registry.example.com/web:1
    port: 8080
    domain: www.example.com
    previewDomain: api.example.com
    legacy: {address: web-lb.example.net}
    cluster: {address: ingress.example.net}
`
	tests := []struct {
		name string
		file string
		want []string
	}{
		{name: "accepted", file: base},
		{name: "accepted: host names below the apex", file: hostNames(base)},
		{name: "CNAME at a registrable domain: the zone apex", file: hostNames(strings.Replace(base, "domain: api.example.com", "domain: example.com", 1)),
			want: []string{`ferry.yaml:9:13: service "api": domain: with provider route53, the CNAME record set written at adopt-record, set-weights, remove-legacy, restore-legacy: example.com. CNAME: a CNAME cannot be at the zone apex (Route 53: "RRSet of type CNAME with DNS name example.com. is not permitted at apex in zone example.com."); endpoints that are host names are published as a CNAME: at a zone apex publish them as aliases (legacy.alias, cluster.alias) or IP addresses`}},
		{name: "CNAME at a registrable domain under a two-label suffix", file: hostNames(strings.Replace(base, "domain: api.example.com", "domain: example.co.uk", 1)),
			want: []string{`ferry.yaml:9:13: service "api": domain: with provider route53, the CNAME record set written at adopt-record, set-weights, remove-legacy, restore-legacy: example.co.uk. CNAME: a CNAME cannot be at the zone apex (Route 53: "RRSet of type CNAME with DNS name example.co.uk. is not permitted at apex in zone example.co.uk."); endpoints that are host names are published as a CNAME: at a zone apex publish them as aliases (legacy.alias, cluster.alias) or IP addresses`}},
		{name: "provider ferry has no such rule", file: hostNames(strings.Replace(strings.Replace(base, "domain: api.example.com", "domain: example.com", 1),
			"dns: {provider: route53}", "dns: {provider: ferry, server: \"http://127.0.0.1:8053\", tokenFile: t}", 1))},
		{name: "a CNAME and an A record at one name", file: base + web, want: []string{
			`ferry.yaml:9:13: service "api": domain: with provider route53, the A record set written at adopt-record, set-weights, remove-legacy, restore-legacy: api.example.com. A: no other record can share its name with a CNAME (a CNAME is there) (Route 53: "RRSet of type A with DNS name api.example.com. is not permitted because a conflicting RRSet of type  CNAME with the same DNS name already exists in zone the zone."); another migration in this file writes a CNAME at the same name`,
			`ferry.yaml:16:20: service "web": previewDomain: with provider route53, the CNAME record set written at point-preview: api.example.com. CNAME: a CNAME cannot share its name with other records (A are there) (Route 53: "RRSet of type CNAME with DNS name api.example.com. is not permitted as it conflicts with other records with the same DNS name in zone the zone."); another migration in this file writes a different type at the same name`,
		}},
		{name: "one hosted zone cannot hold two domains", file: strings.Replace(strings.Replace(base, "{provider: route53}", "{provider: route53, hostedZoneId: Z0123456789ABCDEFGHIJ}", 1),
			"    domain: api.example.com\n", "    domain: api.example.com\n    previewDomain: api.k8s.example.net\n", 1), want: []string{
			`ferry.yaml:10:20: service "api": previewDomain: with provider route53, migration.dns.hostedZoneId names one hosted zone for every record, but api.k8s.example.net and api.example.com are in different domains (example.net, example.com), which no one zone holds; use a preview domain under example.com, or leave hostedZoneId out so each name finds its own zone`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, p := range File(load(t, tt.file)) {
				got = append(got, p.Error())
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("problems (-want +got):\n%s", d)
			}
		})
	}
}

// TestRulesPointAtTheirField: rules no valid file can break today (the
// engine's weights are percentages, one TTL per group) are still checked,
// each pointed at the setting that makes it: a weight or an all-zero group
// at migration.steps, mixed TTLs at migration.ttl.
func TestRulesPointAtTheirField(t *testing.T) {
	f := load(t, strings.Replace(base, "migration:\n", "migration:\n  steps: [10, 100]\n  ttl: 60s\n", 1))
	rs := func(ttl uint32, sets ...dns.WeightedSet) dns.RecordSet {
		return dns.RecordSet{Name: "api.example.com.", Type: "A", TTL: ttl, Sets: sets}
	}
	set := func(id string, w int, v string) dns.WeightedSet {
		return dns.WeightedSet{ID: id, Weight: w, Values: []string{v}}
	}
	tests := []struct {
		name string
		rs   dns.RecordSet
		want string // the problem's start
	}{
		{name: "weight over 255", rs: rs(60, set("legacy", 300, "192.0.2.10"), set("cluster", 0, "198.51.100.20")), want: `ferry.yaml:4:10: migration.steps: `},
		{name: "every weight 0", rs: rs(60, set("legacy", 0, "192.0.2.10"), set("cluster", 0, "198.51.100.20")), want: `ferry.yaml:4:10: migration.steps: `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := check(f, []write{{service: "api", action: migrate.SetWeights, rs: tt.rs, nameField: "services.api.domain"}})
			if len(got) != 1 || !strings.HasPrefix(got[0].Error(), tt.want) {
				t.Errorf("problems %v, want one starting %q", got, tt.want)
			}
		})
	}
	if fieldOf(write{}, "one-ttl") != "migration.ttl" {
		t.Error("mixed TTLs do not point at migration.ttl")
	}
}
