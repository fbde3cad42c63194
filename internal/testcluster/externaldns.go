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

// ExternalDNSArgs returns args with what every external-dns a test runs
// needs first: its metrics and health server on a loopback port of its own.
// Left at its default (:7979 on every interface), the second external-dns
// on the machine — another package's test, another checkout's — fails to
// listen and exits ("bind: address already in use"), even in the middle of
// a test, whose changes then are never published.
func ExternalDNSArgs(args ...string) []string {
	return append([]string{"--metrics-address=127.0.0.1:0"}, args...)
}
