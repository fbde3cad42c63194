package check

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/clitest"
)

// twoContexts is a kubeconfig whose clusters listen nowhere (port 1 on
// loopback refuses connections at once).
const twoContexts = `apiVersion: v1
kind: Config
clusters:
- name: a
  cluster: {server: "https://127.0.0.1:1"}
- name: b
  cluster: {server: "https://127.0.0.1:1"}
users:
- name: u
  user: {token: t}
contexts:
- name: alpha
  context: {cluster: a, user: u}
- name: beta
  context: {cluster: b, user: u}
current-context: alpha
`

// TestClusterKubeconfig checks that KUBECONFIG and --context are honoured
// as kubectl honours them, and which exit status each failure gets.
func TestClusterKubeconfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte(twoContexts), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBECONFIG", path)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		// An unreachable API server is unreadable input (2), not a failure
		// the cluster would not survive (1); the message names the server.
		{name: "current context from KUBECONFIG", args: []string{"cluster", "--timeout", "5s"}, code: clio.ExitUsage, want: "reading cluster alpha (server https://127.0.0.1:1): listing nodes"},
		{name: "--context picks another", args: []string{"cluster", "--context", "beta", "--timeout", "5s"}, code: clio.ExitUsage, want: "reading cluster beta (server https://127.0.0.1:1): listing nodes"},
		{name: "unknown context", args: []string{"cluster", "--context", "gamma"}, code: clio.ExitUsage, want: `context "gamma" does not exist`},
		{name: "missing --kubeconfig file", args: []string{"cluster", "--kubeconfig", filepath.Join(t.TempDir(), "nope")}, code: clio.ExitUsage, want: "loading the kubeconfig"},
		{name: "invalid ferry file", args: []string{"cluster", "-f", "testdata/nope.yaml"}, code: clio.ExitUsage, want: "reading testdata/nope.yaml"},
		{name: "positional argument", args: []string{"cluster", "prod"}, code: clio.ExitUsage, want: `unknown command "prod"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := clitest.Run(t, check, tt.args...)
			if res.Code != tt.code {
				t.Errorf("exit status %d, want %d (stderr %q)", res.Code, tt.code, res.Stderr)
			}
			if res.Stdout != "" {
				t.Errorf("stdout %q, want nothing", res.Stdout)
			}
			if !strings.Contains(res.Stderr, tt.want) {
				t.Errorf("stderr %q does not mention %q", res.Stderr, tt.want)
			}
		})
	}
}
