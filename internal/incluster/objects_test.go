package incluster_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/controller/migstore"
	"ferry.dev/ferry/internal/incluster"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/spec"
)

const file = `apiVersion: ferry.dev/v1alpha1
kind: Services
runIn: cluster
defaults:
  dnsTTL: 30s
migration:
  steps: [5, 50, 100]
  hold: 2m
  promotion: manual
  dns: {provider: ferry, server: "http://127.0.0.1:8053", tokenFile: /etc/ferry/dns.token}
notifications:
  - {urlEnv: FERRY_HOOK}
  - {format: json, urlSecretRef: {name: hooks, key: url}}
services:
  api:
    image: registry.example.com/api:1
    port: 8080
    domains: [api.example.com, www.example.com]
    readiness: {path: /ready}
    previewDomain: api.k8s.example.com
    dnsTTL: 20s
    legacy: {address: 192.0.2.10, port: 8080}
    cluster: {address: 192.0.2.20}
  worker:
    image: registry.example.com/worker:1
`

func load(t *testing.T) *spec.File {
	t.Helper()
	f, err := spec.Load("ferry.yaml", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestMigrationForRunsWhatALocalStartRuns: the controller's reading of
// the object (migstore.ConfigFor) is exactly migrate.FromSpec of the
// file — the readiness path as the health path, the file's default TTL,
// the migrated domain of several — and the object names its service.
func TestMigrationForRunsWhatALocalStartRuns(t *testing.T) {
	f := load(t)
	m, err := incluster.MigrationFor(f, "api", "team")
	if err != nil {
		t.Fatal(err)
	}
	want, err := migrate.FromSpec(f, "api")
	if err != nil {
		t.Fatal(err)
	}
	got, err := migstore.ConfigFor(m)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("config (-file +object):\n%s", d)
	}
	if m.Name != "api" || m.Namespace != "team" || m.Spec.Domain != "api.example.com" || m.Spec.Health != "/ready" ||
		m.Spec.Settings.TTL != "30s" || m.Labels[incluster.ServiceLabel] != "api" {
		t.Errorf("object %s/%s: %+v labels %v", m.Namespace, m.Name, m.Spec, m.Labels)
	}
	if _, err := incluster.MigrationFor(f, "worker", "team"); err == nil {
		t.Error("a service without legacy and cluster became a Migration")
	}
	// The controller sends to the notification whose URL is in a Secret;
	// the other is named as one it cannot send to.
	wantNotes := []v1alpha1.Notification{{Format: "json", URLSecretRef: &v1alpha1.SecretKeyRef{Name: "hooks", Key: "url"}}}
	if d := cmp.Diff(wantNotes, m.Spec.Notifications); d != "" {
		t.Errorf("notifications (-want +got):\n%s", d)
	}
	if note := incluster.LocalOnly(f); !strings.HasPrefix(note, "notifications[0]: ") || !strings.Contains(note, "urlSecretRef") {
		t.Errorf("LocalOnly = %q; want notifications[0] named, and urlSecretRef", note)
	}
}

// A relative tokenFile names a file on the machine that runs the
// command; the controller would read another one. It is refused at its
// line, naming tokenSecretRef.
func TestMigrationForRefusesARelativeTokenFile(t *testing.T) {
	f, err := spec.Load("ferry.yaml", []byte(strings.Replace(file, "tokenFile: /etc/ferry/dns.token", "tokenFile: dns.token", 1)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = incluster.MigrationFor(f, "api", "team")
	if err == nil || !strings.HasPrefix(err.Error(), "ferry.yaml:10:") || !strings.Contains(err.Error(), "tokenSecretRef") {
		t.Errorf("MigrationFor with tokenFile: dns.token = %v; want an error at ferry.yaml:10 naming tokenSecretRef", err)
	}
}

// TestServiceFileForHoldsTheFile: defaults, migration and services as
// written, and the notifications the controller can send to; runIn and
// the others stay with the CLI.
func TestServiceFileForHoldsTheFile(t *testing.T) {
	f := load(t)
	sf, err := incluster.ServiceFileFor(f, "shop", "team")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := spec.Decode("ferry.yaml", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	want := v1alpha1.ServiceFileSpec{Defaults: raw.Defaults, Migration: raw.Migration, Services: raw.Services,
		Notifications: raw.Notifications[1:]} // the one whose URL is in a Secret
	if d := cmp.Diff(want, sf.Spec); d != "" || sf.Name != "shop" || sf.Namespace != "team" {
		t.Errorf("ServiceFile %s/%s (-want +got):\n%s", sf.Namespace, sf.Name, d)
	}
}
