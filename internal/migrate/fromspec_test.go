package migrate_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/spec"
)

const specHead = `apiVersion: ferry.dev/v1alpha1
kind: Services
`

func TestFromSpec(t *testing.T) {
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
			name: "file settings and defaults",
			file: specHead + `migration:
  dns: {provider: ferry, server: "http://127.0.0.1:8053", tokenFile: ./dns.token}
  ttl: 30s
  steps: [5, 50, 100]
  hold: 1m
  promotion: manual
  onFailure: pause
  drain: {ttlMultiple: 4, legacyTraffic: {url: "http://127.0.0.1:9/rate", threshold: 0}}
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
				Promotion: migrate.PromotionManual, OnFailure: migrate.OnFailurePause, OnBothFailing: migrate.OnFailurePause,
				Gates: migrate.Gates{Interval: time.Second, Window: 10 * time.Second, SuccessRatio: 0.99,
					P99Latency: 500 * time.Millisecond, MinRequests: 3, Failures: 3, Paths: []string{"/healthz", "/"}, Scheme: "http"},
				Drain:  migrate.Drain{TTLMultiple: 4, TrafficURL: "http://127.0.0.1:9/rate"},
				Parity: migrate.Parity{Paths: []string{"/healthz", "/"}},
				DNS:    migrate.DNS{Provider: "ferry", Server: "http://127.0.0.1:8053", TokenFile: "./dns.token", RetryFor: 2 * time.Minute},
				Lease:  time.Minute,
			},
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
