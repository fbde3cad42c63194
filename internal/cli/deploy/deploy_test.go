package deploy_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"ferry.dev/ferry/internal/cli"
	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/clitest"
	"ferry.dev/ferry/internal/deploy"
	"ferry.dev/ferry/internal/testcluster"
)

func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const file = `apiVersion: ferry.dev/v1alpha1
kind: Services
defaults:
  namespace: %s
services:
  web:
    image: example.invalid/web:%s
    port: 8080
    domain: web.example.com
    replicas: 2
`

// TestInvalidFileChangesNothing: a file with a problem exits 2, points at
// the field, and sends nothing: the namespace stays empty.
func TestInvalidFileChangesNothing(t *testing.T) {
	c := testcluster.Start(t)
	ns := c.Namespace(t)
	dir := t.TempDir()
	bad := write(t, dir, "shop.yaml", fmt.Sprintf(file, ns, "1")+"    replicas: many\n")
	res := clitest.Run(t, cli.Run, "deploy", "-f", bad, "--kubeconfig", c.Kubeconfig, "-n", ns)
	if res.Code != clio.ExitUsage || res.Stdout != "" || !strings.Contains(res.Stderr, bad+":") {
		t.Errorf("deploy of an invalid file = exit %d, stdout %q, stderr %q; want 2 and the problem's position", res.Code, res.Stdout, res.Stderr)
	}
	cms, err := c.Clientset().CoreV1().ConfigMaps(ns).List(t.Context(), metav1.ListOptions{LabelSelector: deploy.ReleaseLabel})
	if err != nil || len(cms.Items) != 0 {
		t.Errorf("an invalid file left %d ferry records (%v)", len(cms.Items), err)
	}
	deps, err := c.Clientset().AppsV1().Deployments(ns).List(t.Context(), metav1.ListOptions{})
	if err != nil || len(deps.Items) != 0 {
		t.Errorf("an invalid file created %d Deployments (%v)", len(deps.Items), err)
	}
}

// TestDeployHistoryRollbackStatus drives the commands as a person would,
// through $KUBECONFIG and -n, and checks their output and exit statuses.
func TestDeployHistoryRollbackStatus(t *testing.T) {
	c := testcluster.Start(t)
	ns := c.Namespace(t)
	t.Setenv("KUBECONFIG", c.Kubeconfig)
	dir := t.TempDir()
	for i, tag := range []string{"1", "2"} {
		path := write(t, dir, "shop.yaml", fmt.Sprintf(file, ns, tag))
		res := clitest.Run(t, cli.Run, "deploy", "-f", path, "-n", ns)
		want := fmt.Sprintf("recorded as revision %d", i+1)
		if res.Code != 0 || !strings.Contains(res.Stdout, want) || !strings.Contains(res.Stderr, "available") {
			t.Fatalf("deploy %s = exit %d\nstdout: %s\nstderr: %s\nwant exit 0, %q and the rollout on stderr", tag, res.Code, res.Stdout, res.Stderr, want)
		}
	}
	res := clitest.Run(t, cli.Run, "history", "--name", "shop", "-n", ns)
	if res.Code != 0 || !strings.Contains(res.Stdout, "REVISION") || strings.Count(res.Stdout, "shop.yaml") != 2 {
		t.Errorf("history = exit %d:\n%s\nwant two revisions", res.Code, res.Stdout)
	}
	res = clitest.Run(t, cli.Run, "rollback", "--name", "shop", "-n", ns)
	if res.Code != 0 || !strings.Contains(res.Stdout, "recorded as revision 3") {
		t.Fatalf("rollback = exit %d\nstdout: %s\nstderr: %s", res.Code, res.Stdout, res.Stderr)
	}
	res = clitest.Run(t, cli.Run, "status", "--name", "shop", "-n", ns, "-o", "json")
	var sts []deploy.ServiceStatus
	if err := json.Unmarshal([]byte(res.Stdout), &sts); res.Code != 0 || err != nil || len(sts) != 1 {
		t.Fatalf("status -o json = exit %d, %v\nstdout: %s\nstderr: %s", res.Code, err, res.Stdout, res.Stderr)
	}
	if s := sts[0]; s.Service != "web" || s.Image != "example.invalid/web:1" || s.Revision != 3 || s.Ready != 2 || s.Desired != 2 || s.Domains[0] != "web.example.com" {
		t.Errorf("status after rolling back = %+v; want web at example.invalid/web:1, revision 3, 2/2 ready", s)
	}
	res = clitest.Run(t, cli.Run, "status", "--name", "shop", "-n", ns)
	if res.Code != 0 || !strings.Contains(res.Stdout, "2/2") || !strings.Contains(res.Stdout, "web.example.com") {
		t.Errorf("status = exit %d:\n%s", res.Code, res.Stdout)
	}
	// A revision that cannot roll out within --timeout: exit 1, the pod named
	// with its reason, nothing recorded.
	stuck := write(t, dir, "shop.yaml", fmt.Sprintf(file, ns, "3")+"    cpu: \"900\"\n")
	res = clitest.Run(t, cli.Run, "deploy", "-f", stuck, "-n", ns, "--timeout", "5s")
	if res.Code != clio.ExitFailed || !strings.Contains(res.Stderr, "not finished in time") || !strings.Contains(res.Stderr, "  pod web-") || !strings.Contains(res.Stderr, "Unschedulable") {
		t.Errorf("deploy that cannot finish = exit %d\nstdout: %s\nstderr: %s\nwant exit 1 naming the pod and Unschedulable", res.Code, res.Stdout, res.Stderr)
	}
	if res := clitest.Run(t, cli.Run, "history", "--name", "shop", "-n", ns, "-o", "json"); res.Code != 0 || strings.Count(res.Stdout, `"revision"`) != 3 {
		t.Errorf("history after a failed deploy = exit %d:\n%s\nwant still 3 revisions", res.Code, res.Stdout)
	}
	if res := clitest.Run(t, cli.Run, "rollback", "--name", "shop", "-n", ns, "--to", "9"); res.Code != clio.ExitUsage {
		t.Errorf("rollback to a missing revision = exit %d (%s), want 2", res.Code, res.Stderr)
	}
	if res := clitest.Run(t, cli.Run, "status", "--name", "shop", "--context", "no-such-context"); res.Code != clio.ExitUsage {
		t.Errorf("status with an unknown --context = exit %d (%s), want 2", res.Code, res.Stderr)
	}
}

// TestNeverReadyDeployExitsOneAndAtomicRestores: through the command, a
// revision whose pods never pass readiness exits 1 at --timeout naming the
// pod, and --atomic leaves the previous revision serving.
func TestNeverReadyDeployExitsOneAndAtomicRestores(t *testing.T) {
	c := testcluster.Start(t)
	ns := c.Namespace(t)
	dir := t.TempDir()
	path := write(t, dir, "shop.yaml", fmt.Sprintf(file, ns, "1"))
	if res := clitest.Run(t, cli.Run, "deploy", "-f", path, "--kubeconfig", c.Kubeconfig, "-n", ns); res.Code != 0 {
		t.Fatalf("first deploy = exit %d\nstdout: %s\nstderr: %s", res.Code, res.Stdout, res.Stderr)
	}
	write(t, dir, "shop.yaml", fmt.Sprintf(file, ns, "2")+"    annotations:\n      "+testcluster.NeverReadyAnnotation+": \"true\"\n")
	res := clitest.Run(t, cli.Run, "deploy", "-f", path, "--kubeconfig", c.Kubeconfig, "-n", ns, "--timeout", "6s", "--atomic")
	t.Logf("stderr of the failed deploy:\n%s", res.Stderr)
	if res.Code != clio.ExitFailed || !strings.Contains(res.Stderr, "not finished in time") ||
		!strings.Contains(res.Stderr, "  pod web-") || !strings.Contains(res.Stderr, "running but its readiness check has not passed") ||
		!strings.Contains(res.Stderr, "rolled back to revision 1") {
		t.Errorf("deploy of a never-ready revision = exit %d\nstdout: %s\nstderr: %s\nwant exit 1 naming the pod, its readiness and the rollback", res.Code, res.Stdout, res.Stderr)
	}
	res = clitest.Run(t, cli.Run, "status", "--name", "shop", "--kubeconfig", c.Kubeconfig, "-n", ns, "-o", "json")
	var sts []deploy.ServiceStatus
	if err := json.Unmarshal([]byte(res.Stdout), &sts); res.Code != 0 || err != nil || len(sts) != 1 {
		t.Fatalf("status -o json = exit %d, %v\nstdout: %s\nstderr: %s", res.Code, err, res.Stdout, res.Stderr)
	}
	if s := sts[0]; s.Image != "example.invalid/web:1" || s.Revision != 1 || s.Ready != 2 || s.Desired != 2 {
		t.Errorf("status after the atomic rollback = %+v; want example.invalid/web:1, revision 1, 2/2 ready", s)
	}
}
