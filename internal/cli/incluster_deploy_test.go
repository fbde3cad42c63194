package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/clitest"
	"ferry.dev/ferry/internal/deploy"
	"ferry.dev/ferry/internal/testcluster"
)

// shopFile says runIn: cluster, so every command below runs in-cluster
// without the flag. Without defaults.namespace its services go to the
// ServiceFile's namespace, as the controller does.
const shopFile = `apiVersion: ferry.dev/v1alpha1
kind: Services
runIn: cluster
services:
  web:
    image: example.invalid/web:%s
    port: 8080
    replicas: 2
%s`

const workerService = `  worker:
    image: example.invalid/worker:1
    replicas: 1
`

// TestDeployInClusterThenStatusAndHistory: "ferry deploy" of a file that
// says runIn: cluster hands it to the controller as a ServiceFile, waits
// for it to be applied and healthy, and prints what the controller did as
// a local deploy prints its own work (revisions 1 and 2, the worker that
// left the file pruned); status and history print exactly what they print
// in local mode, plus how the controller sees the file; with no
// controller, deploy says so; flags only a local deploy honours are bad
// input.
func TestDeployInClusterThenStatusAndHistory(t *testing.T) {
	e := newClusterEnv(t)
	dir := t.TempDir()
	write := func(name, image, extra string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(fmt.Sprintf(shopFile, image, extra)), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	lonely := write("lonely.yaml", "1", "")
	if r := e.ferry(t, "deploy", "-f", lonely, "--controller-timeout", "1s"); r.Code != clio.ExitFailed ||
		!strings.Contains(r.Stderr, "no ferry controller acted on it within 1s") || !strings.Contains(r.Stderr, "ferry controller install") {
		t.Fatalf("deploy with no controller: exit %d, %q; want 1 and what to do", r.Code, r.Stderr)
	}
	// So that the controller below does not deploy it beside shop.
	lone := &v1alpha1.ServiceFile{ObjectMeta: metav1.ObjectMeta{Name: "lonely", Namespace: e.ns}}
	if err := e.cl.Delete(t.Context(), lone); err != nil {
		t.Fatal(err)
	}
	e.runController(t)

	shop := write("shop.yaml", "1", workerService)
	r := e.ferry(t, "deploy", "-f", shop, "-o", "json")
	if r.Code != 0 {
		t.Fatalf("deploy v1: exit %d\n%s", r.Code, r.Stderr)
	}
	var first deploy.Result
	if err := json.Unmarshal([]byte(r.Stdout), &first); err != nil {
		t.Fatal(err)
	}
	if first.Revision != 1 || len(first.Applied) == 0 || first.Sent != len(first.Applied) || first.Unchanged {
		t.Errorf("deploy v1 result %+v: want revision 1 with every object sent", first)
	}
	if !strings.Contains(r.Stderr, "ServiceFile "+e.ns+"/shop") || !strings.Contains(r.Stderr, "health Healthy") {
		t.Errorf("deploy v1 stderr:\n%s", r.Stderr)
	}

	write("shop.yaml", "2", "")
	r = e.ferry(t, "deploy", "-f", shop)
	if r.Code != 0 || !strings.Contains(r.Stdout, "release shop (namespace "+e.ns+"):") || !strings.Contains(r.Stdout, " pruned; recorded as revision 2") || strings.Contains(r.Stdout, " 0 pruned") {
		t.Errorf("deploy v2: exit %d\nstdout: %s\nstderr: %s", r.Code, r.Stdout, r.Stderr)
	}

	if r := e.ferry(t, "deploy", "-f", shop); r.Code != 0 || !strings.Contains(r.Stdout, "same file as revision 2; nothing new recorded") {
		t.Errorf("deploy of the same file again: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}

	for _, cmd := range []string{"status", "history"} {
		inCluster := e.ferry(t, cmd, "-f", shop, "-o", "json")
		local := e.ferry(t, cmd, "-f", shop, "-o", "json", "--in-cluster=false")
		if inCluster.Code != 0 || local.Code != 0 || inCluster.Stdout != local.Stdout {
			t.Errorf("%s -o json: in-cluster (exit %d) and local (exit %d) differ:\n%s\n---\n%s", cmd, inCluster.Code, local.Code, inCluster.Stdout, local.Stdout)
		}
		if !strings.Contains(inCluster.Stderr, "ServiceFile "+e.ns+"/shop: revision 2, Synced, Healthy") {
			t.Errorf("%s in-cluster stderr lacks how the controller sees it:\n%s", cmd, inCluster.Stderr)
		}
	}
	var revs []deploy.Revision
	h := e.ferry(t, "history", "-f", shop, "-o", "json")
	if err := json.Unmarshal([]byte(h.Stdout), &revs); err != nil || len(revs) != 2 {
		t.Errorf("history: %v, %d revisions, want 2", err, len(revs))
	}

	// A rollback through the controller: revision 1's file (the worker
	// back) goes into the ServiceFile, marked; the controller records it
	// as revision 3, a rollback of 1 — also with selfHeal on, which the
	// rollback keeps. The next deploy is an ordinary one.
	sf := &v1alpha1.ServiceFile{}
	if err := e.cl.Get(t.Context(), client.ObjectKey{Namespace: e.ns, Name: "shop"}, sf); err != nil {
		t.Fatal(err)
	}
	sf.Spec.SelfHeal = true
	if err := e.cl.Update(t.Context(), sf); err != nil {
		t.Fatal(err)
	}
	r = e.ferry(t, "rollback", "-f", shop, "--to", "1")
	if r.Code != 0 || !strings.Contains(r.Stderr, "handing revision 1 back to the controller as ServiceFile "+e.ns+"/shop") || !strings.Contains(r.Stdout, "recorded as revision 3") {
		t.Errorf("rollback in-cluster: exit %d\nstdout: %s\nstderr: %s", r.Code, r.Stdout, r.Stderr)
	}
	if r := e.ferry(t, "rollback", "-f", shop, "--to", "9"); r.Code != clio.ExitUsage || !strings.Contains(r.Stderr, "revision 9 is not in the history") {
		t.Errorf("rollback in-cluster to a missing revision: exit %d, %q; want 2", r.Code, r.Stderr)
	}
	write("shop.yaml", "3", "")
	if r := e.ferry(t, "deploy", "-f", shop); r.Code != 0 || !strings.Contains(r.Stdout, "recorded as revision 4") {
		t.Errorf("deploy v3 after the rollback: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	h = e.ferry(t, "history", "-f", shop, "-o", "json")
	if err := json.Unmarshal([]byte(h.Stdout), &revs); err != nil || len(revs) != 4 || revs[2].RollbackOf != 1 || revs[3].RollbackOf != 0 ||
		!slices.ContainsFunc(revs[2].Objects, func(o deploy.Ref) bool { return o.Kind == "Deployment" && o.Name == "worker" }) {
		t.Errorf("history after the rollback and v3: %v\n%s", err, h.Stdout)
	}

	for _, flag := range []string{"--atomic", "--service=web", "--force-conflicts"} {
		if r := e.ferry(t, "deploy", "-f", shop, flag); r.Code != clio.ExitUsage || !strings.Contains(r.Stderr, "not available in-cluster") {
			t.Errorf("deploy in-cluster %s: exit %d, %q; want 2", flag, r.Code, r.Stderr)
		}
	}
	if r := e.ferry(t, "status", "--name", "nothing", "--in-cluster"); r.Code != clio.ExitFailed || !strings.Contains(r.Stderr, "`ferry deploy --in-cluster` creates it") {
		t.Errorf("status of a missing ServiceFile: exit %d, %q", r.Code, r.Stderr)
	}

	kubectlFerry(t, e, "history", "--name", "shop", "--in-cluster")
}

// kubectlFerry runs "kubectl ferry ARGS" with the kubectl that
// hack/tools.sh builds for the control plane and ferry installed as the
// plugin kubectl-ferry on PATH, and checks that it prints exactly what
// "ferry ARGS" prints.
func kubectlFerry(t *testing.T, e *clusterEnv, args ...string) {
	t.Helper()
	kubectl := testcluster.KubectlPath(t)
	bin := filepath.Dir(clitest.Build(t)) // kubectl-ferry, linked to ferry
	cmd := exec.CommandContext(t.Context(), kubectl, append([]string{"ferry"}, append(args, "-n", e.ns)...)...)
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "KUBECONFIG="+e.c.Kubeconfig)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("kubectl ferry %v: %v\n%s", args, err, stderr.String())
	}
	direct := e.ferry(t, args...)
	if direct.Code != 0 || stdout.String() != direct.Stdout {
		t.Errorf("kubectl ferry %v printed\n%s\nferry (exit %d) printed\n%s", args, stdout.String(), direct.Code, direct.Stdout)
	}
	if !strings.Contains(stderr.String(), "ServiceFile "+e.ns+"/shop") {
		t.Errorf("kubectl ferry %v stderr:\n%s", args, stderr.String())
	}
}
