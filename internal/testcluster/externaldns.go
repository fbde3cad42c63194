package testcluster

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ExternalDNS returns a real external-dns (the release hack/externaldns.sh
// pins, built once into the cache) and the path of its DNSEndpoint CRD
// manifest. Like Start, only -short skips; a build that fails fails the test.
func ExternalDNS(tb testing.TB) (binary, crd string) {
	tb.Helper()
	if testing.Short() {
		tb.Skip("-short: no control plane, no external-dns")
	}
	root, err := repoRoot()
	if err != nil {
		tb.Fatal(err)
	}
	run := func(args ...string) string {
		cmd := exec.CommandContext(tb.Context(), "bash", append([]string{filepath.Join(root, "hack", "externaldns.sh")}, args...)...)
		out, err := cmd.Output()
		if err != nil {
			tb.Fatalf("hack/externaldns.sh %s: %v", strings.Join(args, " "), err)
		}
		return strings.TrimSpace(string(out))
	}
	return run(), run("crd")
}
