package crds_test

import (
	"os"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/controller/controllertest"
	"ferry.dev/ferry/internal/testcluster"
)

func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }

func ptr[T any](v T) *T { return &v }

// setup installs the CRDs on the shared cluster and returns a client and
// a fresh namespace.
func setup(t *testing.T) (client.Client, string) {
	t.Helper()
	c, cl := controllertest.Start(t)
	return cl, c.Namespace(t)
}

func validMigration(ns string) *v1alpha1.MigrationResource {
	return &v1alpha1.MigrationResource{
		ObjectMeta: metav1.ObjectMeta{Name: "api", Namespace: ns},
		Spec: v1alpha1.MigrationSpec{
			Service: "api", Domain: "api.example.com",
			Legacy:  v1alpha1.Endpoint{Address: "10.0.0.1", Port: ptr(8080)},
			Cluster: v1alpha1.Endpoint{Address: "10.0.0.2", Port: ptr(8080)},
		},
	}
}

func validFile(ns string) *v1alpha1.ServiceFile {
	return &v1alpha1.ServiceFile{
		ObjectMeta: metav1.ObjectMeta{Name: "shop", Namespace: ns},
		Spec: v1alpha1.ServiceFileSpec{Services: map[string]*v1alpha1.Service{
			"api": {Image: "registry.example.com/api:1", Port: ptr(8080)},
		}},
	}
}

func TestAPIServerRefusesBadObjectsWithFieldPaths(t *testing.T) {
	cl, ns := setup(t)
	tests := []struct {
		name  string
		obj   func() client.Object
		wants []string // each must appear in the API server's error
	}{
		{"steps not increasing", func() client.Object {
			m := validMigration(ns)
			m.Spec.Settings = &v1alpha1.Migration{Steps: []int{10, 5, 100}}
			return m
		}, []string{"spec.settings.steps", "strictly increasing and end at 100"}},
		{"steps not ending at 100", func() client.Object {
			m := validMigration(ns)
			m.Spec.Settings = &v1alpha1.Migration{Steps: []int{10, 50}}
			return m
		}, []string{"spec.settings.steps", "end at 100"}},
		{"step out of range", func() client.Object {
			m := validMigration(ns)
			m.Spec.Settings = &v1alpha1.Migration{Steps: []int{0, 100}}
			return m
		}, []string{"spec.settings.steps[0]"}},
		{"unknown promotion", func() client.Object {
			m := validMigration(ns)
			m.Spec.Settings = &v1alpha1.Migration{Promotion: "sometimes"}
			return m
		}, []string{"spec.settings.promotion", `Unsupported value: "sometimes"`}},
		{"legacy and cluster the same", func() client.Object {
			m := validMigration(ns)
			m.Spec.Cluster = m.Spec.Legacy
			return m
		}, []string{"spec.cluster", "different places"}},
		{"unknown command", func() client.Object {
			m := validMigration(ns)
			m.Spec.Commands = []v1alpha1.MigrationCommand{{Name: "c1", Kind: "jump"}}
			return m
		}, []string{"spec.commands[0].kind", `Unsupported value: "jump"`}},
		{"DNS token from a file and a Secret", func() client.Object {
			m := validMigration(ns)
			m.Spec.Settings = &v1alpha1.Migration{DNS: &v1alpha1.DNSProvider{
				TokenFile: "dns.token", TokenSecretRef: &v1alpha1.SecretKeyRef{Name: "dns", Key: "token"},
			}}
			return m
		}, []string{"spec.settings.dns.tokenSecretRef", "exclusive"}},
		{"DNS token Secret name not a name", func() client.Object {
			m := validMigration(ns)
			m.Spec.Settings = &v1alpha1.Migration{DNS: &v1alpha1.DNSProvider{
				TokenSecretRef: &v1alpha1.SecretKeyRef{Name: "DNS_Token", Key: "token"},
			}}
			return m
		}, []string{"spec.settings.dns.tokenSecretRef.name"}},
		{"DNS token Secret key missing", func() client.Object {
			m := validMigration(ns)
			m.Spec.Settings = &v1alpha1.Migration{DNS: &v1alpha1.DNSProvider{
				TokenSecretRef: &v1alpha1.SecretKeyRef{Name: "dns"},
			}}
			return m
		}, []string{"spec.settings.dns.tokenSecretRef.key"}},
		{"notification URL from this machine's environment", func() client.Object {
			m := validMigration(ns)
			m.Spec.Notifications = []v1alpha1.Notification{{URLEnv: "HOOK"}}
			return m
		}, []string{"spec.notifications", "use urlSecretRef"}},
		{"notification URL from two places", func() client.Object {
			m := validMigration(ns)
			m.Spec.Notifications = []v1alpha1.Notification{{URLFile: "hook.url", URLSecretRef: &v1alpha1.SecretKeyRef{Name: "hook", Key: "url"}}}
			return m
		}, []string{"spec.notifications[0]", "set one of urlFile, urlEnv and urlSecretRef"}},
		{"notification format unknown", func() client.Object {
			m := validMigration(ns)
			m.Spec.Notifications = []v1alpha1.Notification{{Format: "teams", URLSecretRef: &v1alpha1.SecretKeyRef{Name: "hook", Key: "url"}}}
			return m
		}, []string{"spec.notifications[0].format", `Unsupported value: "teams"`}},
		{"bad service name", func() client.Object {
			f := validFile(ns)
			f.Spec.Services["API_1"] = f.Spec.Services["api"]
			return f
		}, []string{"spec.services", "DNS-1035"}},
		{"port out of range", func() client.Object {
			f := validFile(ns)
			f.Spec.Services["api"].Port = ptr(70000)
			return f
		}, []string{"spec.services.api.port"}},
		{"ingress class and gateway", func() client.Object {
			f := validFile(ns)
			f.Spec.Defaults = &v1alpha1.Defaults{IngressClass: "nginx", Gateway: &v1alpha1.GatewayRef{Name: "gw"}}
			return f
		}, []string{"spec.defaults", "mutually exclusive"}},
		{"no image", func() client.Object {
			f := validFile(ns)
			f.Spec.Services["api"].Image = ""
			return f
		}, []string{"spec.services.api.image"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := cl.Create(t.Context(), tc.obj())
			if err == nil {
				t.Fatal("the API server accepted it")
			}
			for _, w := range tc.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestAPIServerAcceptsValidObjectsAndKeepsDomain(t *testing.T) {
	cl, ns := setup(t)
	if err := cl.Create(t.Context(), validFile(ns)); err != nil {
		t.Fatalf("valid ServiceFile refused: %v", err)
	}
	m := validMigration(ns)
	m.Spec.Settings = &v1alpha1.Migration{Steps: []int{10, 50, 100}, Promotion: "manual"}
	if err := cl.Create(t.Context(), m); err != nil {
		t.Fatalf("valid Migration refused: %v", err)
	}
	m.Spec.Domain = "other.example.com"
	err := cl.Update(t.Context(), m)
	if err == nil || !strings.Contains(err.Error(), "spec.domain") || !strings.Contains(err.Error(), "cannot change") {
		t.Fatalf("changing the domain: got %v, want a refusal naming spec.domain", err)
	}
}
