package incluster

import (
	"fmt"
	"path/filepath"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/controller/migstore"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/notify"
	"ferry.dev/ferry/internal/render"
	"ferry.dev/ferry/internal/spec"
)

// ServiceLabel names the service a Migration migrates.
const ServiceLabel = "ferry.dev/service"

// ServiceFileFor is the ServiceFile holding f's content (its defaults,
// migration settings, services and the notifications the controller can
// send to), called name in namespace ns. What the file does not say of
// the object (selfHeal, suspend) is left zero; runIn has no place in it.
func ServiceFileFor(f *spec.File, name, ns string) (*v1alpha1.ServiceFile, error) {
	raw, err := spec.Decode(f.Path, f.Source)
	if err != nil {
		return nil, err
	}
	return &v1alpha1.ServiceFile{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Labels: map[string]string{render.ManagedByLabel: render.ManagedBy}},
		Spec: v1alpha1.ServiceFileSpec{Defaults: raw.Defaults, Migration: raw.Migration, Services: raw.Services,
			Notifications: secretNotifications(raw.Notifications)},
	}, nil
}

// MigrationFor is the Migration of service as f describes it, named after
// the service in namespace ns. The controller turns the object back into
// a migrate.Config (migstore.ConfigFor); MigrationFor refuses a file
// whose migration would come back different, so the controller never
// runs other settings than "ferry migrate start" would.
func MigrationFor(f *spec.File, service, ns string) (*v1alpha1.MigrationResource, error) {
	want, err := migrate.FromSpec(f, service)
	if err != nil {
		return nil, err
	}
	if tf := f.Migration.TokenFile; tf != "" && !filepath.IsAbs(tf) {
		return nil, f.Problem("migration.dns.tokenFile", "%s would be read by the controller, from its own working directory in the cluster, not from this machine: "+
			"put the token in a Secret and set migration.dns.tokenSecretRef instead (or give a path the controller's pod mounts)", tf)
	}
	raw, err := spec.Decode(f.Path, f.Source)
	if err != nil {
		return nil, err
	}
	rs, svc := raw.Services[service], mustService(f, service)
	if rs == nil || rs.Legacy == nil || rs.Cluster == nil {
		return nil, fmt.Errorf("services.%s: a migration needs both legacy and cluster", service)
	}
	m := &v1alpha1.MigrationResource{
		ObjectMeta: metav1.ObjectMeta{Name: service, Namespace: ns,
			Labels: map[string]string{render.ManagedByLabel: render.ManagedBy, ServiceLabel: service}},
		Spec: v1alpha1.MigrationSpec{
			Service: service, Domain: svc.Migration.Domain, PreviewDomain: rs.PreviewDomain,
			DNSTTL: rs.DNSTTL, Legacy: *rs.Legacy, Cluster: *rs.Cluster, Settings: settings(raw),
			Notifications: secretNotifications(raw.Notifications),
		},
	}
	if svc.Readiness != nil {
		m.Spec.Health = svc.Readiness.Path
	}
	got, err := migstore.ConfigFor(m)
	if err != nil {
		return nil, fmt.Errorf("the migration of %s as a Migration object: %w", service, err)
	}
	if d := cmp.Diff(want, got); d != "" {
		return nil, fmt.Errorf("the migration of %s cannot be written as a Migration object without changing it (-file +object):\n%s", service, d)
	}
	return m, nil
}

// mustService is f's service called name; FromSpec has checked it is there.
func mustService(f *spec.File, name string) spec.Service {
	s, _ := f.Service(name)
	return s
}

// settings are the file's migration block with the TTL the file gives
// it: a file's defaults.dnsTTL is its migration's TTL when migration.ttl
// is not written, and a Migration object has no defaults of its own.
func settings(raw *v1alpha1.File) *v1alpha1.Migration {
	m := raw.Migration.DeepCopy()
	if raw.Defaults == nil || raw.Defaults.DNSTTL == "" || (m != nil && m.TTL != "") {
		return m
	}
	if m == nil {
		m = &v1alpha1.Migration{}
	}
	m.TTL = raw.Defaults.DNSTTL
	return m
}

// secretNotifications are the notifications the controller can send to:
// those whose URL is in a Secret (LocalOnly names the others).
func secretNotifications(ns []v1alpha1.Notification) []v1alpha1.Notification {
	var out []v1alpha1.Notification
	for _, n := range ns {
		if n.URLSecretRef != nil {
			out = append(out, n)
		}
	}
	return out
}

// LocalOnly is a note naming the file's notifications the controller
// cannot send to (a URL in a file or an environment variable of this
// machine), "" when there are none.
func LocalOnly(f *spec.File) string {
	if which := notify.Named(f.Notifications, false); which != "" {
		return which + ": the controller cannot read this machine's files or environment, so it sends nothing there; give the URL in a Secret (urlSecretRef)"
	}
	return ""
}
