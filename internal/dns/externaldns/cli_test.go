package externaldns_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ferry.dev/ferry/internal/cli/clitest"
	climigrate "ferry.dev/ferry/internal/cli/migrate"
	"ferry.dev/ferry/internal/dns/server/servertest"
)

// TestMigratePlanWithProviderExternalDNS: a service file naming provider
// external-dns reaches the provider through spec and the registry: plan
// reads the domain from the DNSEndpoints of the namespace it names (none
// yet) and steps the engine through them, changing nothing.
func TestMigratePlanWithProviderExternalDNS(t *testing.T) {
	c, _, ns := cluster(t)
	srv := servertest.Start(t, "example.test")
	dir := t.TempDir()
	token := filepath.Join(dir, "dns.token")
	if err := os.WriteFile(token, []byte(servertest.Token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "ferry.yaml")
	body := fmt.Sprintf(`apiVersion: ferry.dev/v1alpha1
kind: Services
migration:
  dns: {provider: external-dns, namespace: %s, publishesTo: webhook, server: %q, tokenFile: dns.token}
services:
  api:
    image: registry.example.com/api:1
    port: 8080
    domain: api.example.test
    legacy: 192.0.2.10
    cluster: 192.0.2.20
`, ns, srv.AdminURL())
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBECONFIG", c.Kubeconfig)
	r := clitest.Run(t, clitest.Command(climigrate.NewCommand), "plan", "api", "-f", file)
	if r.Code != 0 {
		t.Fatalf("plan: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	for _, want := range []string{"today:  no record", "dns:    external-dns", "adopt-record", "remove-legacy"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("plan does not say %q:\n%s", want, r.Stdout)
		}
	}
}
