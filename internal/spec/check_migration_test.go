package spec_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/spec"
)

// migrationFile is a file with one migrating service; migration is the
// migration block's body and service the lines added to the service.
func migrationFile(migration, service string) string {
	f := "apiVersion: ferry.dev/v1alpha1\nkind: Services\n"
	if migration != "" {
		f += "migration:\n" + migration
	}
	return f + "services:\n  api:\n    image: a/b:1\n    port: 8080\n    domain: api.example.com\n" + service
}

// TestEndpointsMustDiffer: legacy and cluster at one address and port are
// refused at cluster, however the address and port are written.
func TestEndpointsMustDiffer(t *testing.T) {
	tests := []struct {
		name    string
		head    string // file-wide defaults, for TLS
		legacy  string
		cluster string
		same    bool
	}{
		{name: "one host name", legacy: "lb.example.net", cluster: "lb.example.net", same: true},
		{name: "trailing dot", legacy: "lb.example.net", cluster: "lb.example.net.", same: true},
		{name: "absent port is http's", legacy: "lb.example.net", cluster: "{address: lb.example.net, port: 80}", same: true},
		{name: "absent port is https's with TLS", head: "defaults: {issuer: letsencrypt}\n",
			legacy: "{address: lb.example.net, port: 443}", cluster: "lb.example.net", same: true},
		{name: "80 is not https's port", head: "defaults: {issuer: letsencrypt}\n", legacy: "lb.example.net", cluster: "{address: lb.example.net, port: 80}"},
		{name: "IPv6 written two ways", legacy: "2001:db8::1", cluster: "2001:db8:0:0::1", same: true},
		{name: "one address, two ports", legacy: "{address: 192.0.2.1, port: 8080}", cluster: "{address: 192.0.2.1, port: 8081}"},
		{name: "two addresses", legacy: "192.0.2.1", cluster: "192.0.2.2"},
		{name: "two host names", legacy: "lb.example.net", cluster: "ingress.example.net"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := strings.Replace(migrationFile("", "    legacy: "+tt.legacy+"\n    cluster: "+tt.cluster+"\n"),
				"services:\n", tt.head+"services:\n", 1)
			_, err := spec.Load("ferry.yaml", []byte(file))
			refused := err != nil && strings.Contains(err.Error(), `service "api": cluster:`) &&
				strings.Contains(err.Error(), "is the legacy endpoint too")
			if refused != tt.same {
				t.Errorf("refused = %v, want %v; Load error: %v", refused, tt.same, err)
			}
			if !tt.same && err != nil {
				t.Errorf("unexpected problems: %v", err)
			}
		})
	}
}

// TestMigrationPaths: gates probe the health path and "/" unless the file
// names paths, parity compares what the gates probe unless it names its
// own, and every service resolves its own.
func TestMigrationPaths(t *testing.T) {
	tests := []struct {
		name       string
		migration  string
		service    string
		wantGates  []string
		wantParity []string
	}{
		{name: "no health path", wantGates: []string{"/"}, wantParity: []string{"/"}},
		{name: "health path", service: "    health: /healthz\n",
			wantGates: []string{"/healthz", "/"}, wantParity: []string{"/healthz", "/"}},
		{name: "readiness path", service: "    readiness: {path: /ready}\n",
			wantGates: []string{"/ready", "/"}, wantParity: []string{"/ready", "/"}},
		{name: "health path is /", service: "    health: /\n", wantGates: []string{"/"}, wantParity: []string{"/"}},
		{name: "gate paths written", migration: "  gates: {paths: [/api/items]}\n", service: "    health: /healthz\n",
			wantGates: []string{"/api/items"}, wantParity: []string{"/api/items"}},
		{name: "parity paths written", migration: "  parity: {paths: [/a, /b]}\n", service: "    health: /healthz\n",
			wantGates: []string{"/healthz", "/"}, wantParity: []string{"/a", "/b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := migrationFile(tt.migration, tt.service+"    legacy: 192.0.2.1\n    cluster: 192.0.2.2\n")
			f, err := spec.Load("ferry.yaml", []byte(file))
			if err != nil {
				t.Fatal(err)
			}
			svc, _ := f.Service("api")
			if d := cmp.Diff(tt.wantGates, svc.Migration.GatePaths); d != "" {
				t.Errorf("GatePaths (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.wantParity, svc.Migration.ParityPaths); d != "" {
				t.Errorf("ParityPaths (-want +got):\n%s", d)
			}
		})
	}
}

// TestMigrationExplicitZeros: a zero that means something is kept as
// written, never replaced by the default.
func TestMigrationExplicitZeros(t *testing.T) {
	file := migrationFile("  hold: 0s\n  drain: {legacyTraffic: {url: \"http://127.0.0.1:9/rate\", threshold: 0}}\n",
		"    legacy: 192.0.2.1\n    cluster: 192.0.2.2\n")
	f, err := spec.Load("ferry.yaml", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	if f.Migration.Hold != 0 {
		t.Errorf("hold: 0s loaded as %v, want 0", f.Migration.Hold)
	}
	if th := f.Migration.Drain.LegacyTraffic.Threshold; th != 0 {
		t.Errorf("threshold: 0 loaded as %v, want 0", th)
	}
}

// TestMigrationDefaults: a file that leaves the migration block out gets
// every file-format default, and none is left for the engine to invent.
func TestMigrationDefaults(t *testing.T) {
	f, err := spec.Load("ferry.yaml", []byte(migrationFile("", "    legacy: 192.0.2.1\n    cluster: 192.0.2.2\n")))
	if err != nil {
		t.Fatal(err)
	}
	want := spec.Migration{
		Provider: spec.DefaultProvider, RetryFor: spec.DefaultDNSRetryFor, TTL: spec.DefaultDNSTTL,
		Steps: spec.DefaultSteps(), Hold: spec.DefaultHold, Promotion: spec.DefaultPromotion,
		OnFailure: spec.DefaultOnFailure, OnBothFailing: spec.DefaultOnBothFail, Lease: spec.DefaultLease,
		Gates: spec.Gates{Interval: spec.DefaultGateInterval, Window: spec.DefaultGateWindow, SuccessRatio: spec.DefaultSuccessRatio,
			P99Latency: spec.DefaultP99Latency, MinRequests: spec.DefaultMinRequests, Failures: spec.DefaultGateFailures},
		Drain: spec.Drain{TTLMultiple: spec.DefaultTTLMultiple},
	}
	if d := cmp.Diff(want, f.Migration); d != "" {
		t.Errorf("migration defaults (-want +got):\n%s", d)
	}
}
