package dns_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ferry.dev/ferry/internal/dns"
)

// serviceFile is a service file whose migration.dns names ferry's server,
// its token file relative to the file.
const serviceFile = `apiVersion: ferry.dev/v1alpha1
kind: Services
migration:
  dns: {provider: ferry, server: %q, tokenFile: dns.token}
services:
  api:
    image: registry.example.com/api:1
    port: 8080
    domain: api.example.test
    legacy: {address: 127.0.0.2}
    cluster: {address: 127.0.0.3}
`

// TestProviderFromServiceFile: -f takes the provider and its settings from
// the file's migration.dns, as ferry migrate does (a token file relative
// to the file); a connection flag beside -f is refused, and a file with
// problems is reported at its line.
func TestProviderFromServiceFile(t *testing.T) {
	url, tokenFile, srv := startServer(t)
	dir := t.TempDir()
	tok, err := os.ReadFile(tokenFile)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "ferry.yaml")
	for name, body := range map[string]string{file: fmt.Sprintf(serviceFile, url), filepath.Join(dir, "dns.token"): string(tok),
		filepath.Join(dir, "bad.yaml"): strings.Replace(fmt.Sprintf(serviceFile, url), "provider: ferry", "provider: bind", 1)} {
		if err := os.WriteFile(name, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.Replace(t.Context(), dns.RecordSet{Name: "api.example.test.", Type: "A", TTL: 30,
		Sets: []dns.WeightedSet{{ID: "web", Weight: 1, Values: []string{"127.0.0.2"}}}}, dns.Always()); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		code int
		says string
	}{
		{name: "get", args: []string{"get", "api.example.test", "A", "-f", file}, says: "web  1       100.0%  127.0.0.2"},
		{name: "list", args: []string{"list", "-f", file}, says: "api.example.test.  A     30   web=1:127.0.0.2"},
		{name: "set", args: []string{"set", "api.example.test", "A", "legacy=100:127.0.0.2", "-f", file}, says: "legacy  100     100.0%"},
		{name: "flag beside -f", args: []string{"list", "-f", file, "--provider", "route53"}, code: 2, says: "--provider: the provider comes from -f"},
		{name: "file with problems", args: []string{"list", "-f", filepath.Join(dir, "bad.yaml")}, code: 2, says: "bad.yaml:4:"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := run(t.Context(), tc.args...)
			if code != tc.code || !strings.Contains(out+errOut, tc.says) {
				t.Errorf("exit %d, want %d saying %q:\n%s%s", code, tc.code, tc.says, out, errOut)
			}
		})
	}
}
