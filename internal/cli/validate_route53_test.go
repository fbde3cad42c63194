package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ferry.dev/ferry/internal/cli"
	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/clitest"
)

// TestValidateChecksRoute53Rules: with provider route53, ferry validate
// steps every migration through the engine's plan offline and reports a
// record set Route 53 would refuse at the field responsible, exit 2; the
// same file with provider ferry, and a route53 file whose records Route 53
// accepts, are valid.
func TestValidateChecksRoute53Rules(t *testing.T) {
	const file = `apiVersion: ferry.dev/v1alpha1
kind: Services
migration:
  dns: {provider: route53}
services:
  api:
    image: registry.example.com/api:1
    port: 8080
    domain: example.com
    legacy: {address: legacy-lb.example.net}
    cluster: {address: ingress.example.net}
`
	dir := t.TempDir()
	write := func(name, body string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	apex := write("apex.yaml", file)
	res := clitest.Run(t, cli.Run, "validate", "-f", apex)
	if res.Code != clio.ExitUsage || !strings.HasPrefix(res.Stderr, apex+`:9:13: service "api": domain: with provider route53, the CNAME record set written at `) ||
		!strings.Contains(res.Stderr, "a CNAME cannot be at the zone apex") || !strings.HasSuffix(res.Stderr, apex+": 1 problem\n") {
		t.Errorf("validate of a CNAME at the apex: exit %d, want 2 with the problem at the domain:\n%s%s", res.Code, res.Stdout, res.Stderr)
	}
	for name, body := range map[string]string{
		"ferry.yaml":   strings.Replace(file, "{provider: route53}", `{provider: ferry, server: "http://127.0.0.1:8053", tokenFile: t}`, 1),
		"subname.yaml": strings.Replace(file, "domain: example.com", "domain: api.example.com", 1),
	} {
		if res := clitest.Run(t, cli.Run, "validate", "-f", write(name, body)); res.Code != 0 || !strings.Contains(res.Stdout, "valid (1 service)") {
			t.Errorf("validate %s: exit %d:\n%s%s", name, res.Code, res.Stdout, res.Stderr)
		}
	}
}
