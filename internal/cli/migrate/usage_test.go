package migrate_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/clitest"
	"ferry.dev/ferry/internal/cli/migrate"
)

// TestBadInput checks that mistakes exit with status 2, name the problem,
// and change nothing (no state directory is written).
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	noLegacy := write("no-legacy.yaml", specHead+"services:\n  api:\n    image: example/api:1\n    port: 8080\n    domain: api.example.test\n")
	badSteps := write("bad-steps.yaml", specHead+"migration:\n  steps: [10, 5, 150]\nservices:\n  api:\n    image: example/api:1\n    port: 8080\n    domain: api.example.test\n    legacy: 192.0.2.1\n    cluster: 192.0.2.2\n")
	noServer := write("no-server.yaml", specHead+"services:\n  api:\n    image: example/api:1\n    port: 8080\n    domain: api.example.test\n    legacy: 192.0.2.1\n    cluster: 192.0.2.2\n")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "unknown service", args: []string{"plan", "web", "-f", noLegacy}, want: `service "web": not in`},
		{name: "missing legacy endpoint", args: []string{"start", "api", "-f", noLegacy}, want: "legacy"},
		{name: "steps not increasing", args: []string{"plan", "api", "-f", badSteps}, want: "steps[1]"},
		{name: "no DNS server", args: []string{"start", "api", "-f", noServer}, want: "migration.dns.server"},
		{name: "bad output", args: []string{"status", "api", "-f", noServer, "-o", "yaml"}, want: `--output "yaml"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := clitest.Run(t, clitest.Command(migrate.NewCommand), tt.args...)
			if r.Code != clio.ExitUsage {
				t.Errorf("exit status %d (%s), want 2", r.Code, r.Stderr)
			}
			if !strings.Contains(r.Stderr, tt.want) {
				t.Errorf("error %q does not mention %q", r.Stderr, tt.want)
			}
			if _, err := os.Stat(filepath.Join(dir, ".ferry")); err == nil {
				t.Errorf("a state directory was created for bad input")
			}
		})
	}
}

const specHead = "apiVersion: ferry.dev/v1alpha1\nkind: Services\n"
