package migrate_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/migratetest"
	"ferry.dev/ferry/internal/spec"
)

const specHead = `apiVersion: ferry.dev/v1alpha1
kind: Services
`

// minimalService names only what a migration cannot do without.
const minimalService = `services:
  api:
    image: example/api:1
    port: 8080
    domain: api.example.com
    legacy: legacy-lb.example.net
    cluster: ingress.example.net
`

// TestFromSpecDefaultsAreMigratetest: the settings tests start from
// (migratetest.Config) are exactly what spec produces for a file that
// names only the endpoints, so no test runs the engine on defaults the
// file format does not have.
func TestFromSpecDefaultsAreMigratetest(t *testing.T) {
	f, err := spec.Load("ferry.yaml", []byte(specHead+minimalService))
	if err != nil {
		t.Fatal(err)
	}
	got, err := migrate.FromSpec(f, "api")
	if err != nil {
		t.Fatal(err)
	}
	want := migratetest.Config("api.example.com", "legacy-lb.example.net", "ingress.example.net")
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("FromSpec of a minimal file differs from migratetest.Config (-want +got):\n%s", d)
	}
}

func TestFromSpec(t *testing.T) {
	// base is the minimal file's migration; each case changes what its file
	// says.
	base := func(change func(*migrate.Config)) migrate.Config {
		cfg := migratetest.Config("api.example.com", "legacy-lb.example.net", "ingress.example.net")
		change(&cfg)
		return cfg
	}
	tests := []struct {
		name    string
		file    string
		want    migrate.Config
		wantErr string
		// specErr, when set, may come from spec.Load instead: the file's
		// own checks catch it first, and FromSpec's are the second line.
		specErr string
	}{
		{
			name: "every setting written",
			file: specHead + `migration:
  dns: {provider: ferry, server: "http://127.0.0.1:8053", tokenFile: ./dns.token, retryFor: 45s}
  ttl: 30s
  steps: [5, 50, 100]
  hold: 1m
  promotion: manual
  onFailure: pause
  onBothFailing: rollback
  lease: 30s
  gates: {interval: 2s, window: 20s, successRatio: 0.95, p99Latency: 250ms, minRequests: 5, failures: 2, paths: [/ready, /api/items]}
  drain: {ttlMultiple: 4, legacyTraffic: {url: "http://127.0.0.1:9/rate", threshold: 0}}
  parity: {paths: [/api/items], compareBodies: true}
services:
  api:
    image: example/api:1
    port: 8080
    domain: api.example.com
    health: /healthz
    previewDomain: api.k8s.example.com
    legacy: legacy-lb.example.net
    cluster: {address: ingress.example.net, port: 8443}
`,
			want: migrate.Config{
				Service: "api", Domain: "api.example.com", PreviewDomain: "api.k8s.example.com",
				Legacy: "legacy-lb.example.net", Cluster: "ingress.example.net:8443",
				TTL: 30 * time.Second, Steps: []int{5, 50, 100}, Hold: time.Minute,
				Promotion: migrate.PromotionManual, OnFailure: migrate.OnFailurePause, OnBothFailing: migrate.OnFailureRollback,
				Gates: migrate.Gates{Interval: 2 * time.Second, Window: 20 * time.Second, SuccessRatio: 0.95,
					P99Latency: 250 * time.Millisecond, MinRequests: 5, Failures: 2, Paths: []string{"/ready", "/api/items"}, Scheme: "http"},
				Drain:  migrate.Drain{TTLMultiple: 4, TrafficURL: "http://127.0.0.1:9/rate"},
				Parity: migrate.Parity{Paths: []string{"/api/items"}, CompareBodies: true},
				DNS:    migrate.DNS{Provider: "ferry", Server: "http://127.0.0.1:8053", TokenFile: "./dns.token", RetryFor: 45 * time.Second},
				Lease:  30 * time.Second,
			},
		},
		{
			name: "hold 0s is no hold",
			file: specHead + "migration:\n  hold: 0s\n" + minimalService,
			want: base(func(c *migrate.Config) { c.Hold = 0 }),
		},
		{
			name: "gates and parity probe the health path and the real path",
			file: specHead + strings.Replace(minimalService, "    port: 8080\n", "    port: 8080\n    health: /healthz\n", 1),
			want: base(func(c *migrate.Config) {
				c.Gates.Paths = []string{"/healthz", "/"}
				c.Parity.Paths = []string{"/healthz", "/"}
			}),
		},
		{
			name: "a health path of / is probed once",
			file: specHead + strings.Replace(minimalService, "    port: 8080\n", "    port: 8080\n    health: /\n", 1),
			want: base(func(*migrate.Config) {}),
		},
		{
			name: "a service with TLS is probed over https",
			file: specHead + "defaults:\n  issuer: letsencrypt\n" + minimalService,
			want: base(func(c *migrate.Config) { c.Gates.Scheme = "https" }),
		},
		{
			name:    "no legacy endpoint",
			file:    specHead + "services:\n  api:\n    image: example/api:1\n    port: 8080\n    domain: api.example.com\n",
			wantErr: "services.api.legacy: the legacy endpoint is required",
		},
		{
			name: "address and host name cannot share one record set",
			file: specHead + `services:
  api:
    image: example/api:1
    port: 8080
    domain: api.example.com
    legacy: 192.0.2.10
    cluster: ingress.example.net
`,
			wantErr: "both must be addresses of one family or both host names",
			specErr: "one weighted record set holds one record type",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := spec.Load("ferry.yaml", []byte(tt.file))
			if err != nil && tt.specErr != "" && strings.Contains(err.Error(), tt.specErr) {
				return
			}
			if err != nil {
				t.Fatalf("spec.Load: %v", err)
			}
			got, err := migrate.FromSpec(f, "api")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("FromSpec error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("FromSpec (-want +got):\n%s", d)
			}
		})
	}
}
