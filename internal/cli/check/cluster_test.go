package check

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"ferry.dev/ferry/internal/cli/clitest"
	ferrydeploy "ferry.dev/ferry/internal/deploy"
	"ferry.dev/ferry/internal/golden"
	"ferry.dev/ferry/internal/kube"
	"ferry.dev/ferry/internal/spec"
	"ferry.dev/ferry/internal/testcluster"
)

// waitTimeout is a safety net for the waits below, never a measure.
const waitTimeout = 2 * time.Minute

// brief is a scenario as the table shows it.
type brief struct {
	Failure  string `json:"failure"`
	Survives bool   `json:"survives"`
	Why      string `json:"why"`
}

type result struct {
	Scenarios []brief `json:"scenarios"`
	Findings  []struct {
		Severity string `json:"severity"`
		Check    string `json:"check"`
		Message  string `json:"message"`
	} `json:"findings"`
	Passed bool `json:"passed"`
}

func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }

// TestCheckLiveCluster runs "ferry check cluster" against the real local
// control plane: kwok nodes labelled as control plane in three zones with
// etcd member pods bound to them, the six kwok workers of testcluster, and
// two services of a ferry file deployed by ferry; then turns zone-a's nodes
// NotReady.
func TestCheckLiveCluster(t *testing.T) {
	c := testcluster.Start(t)
	cs := c.Clientset()
	ns := c.Namespace(t)
	zones := []string{"zone-a", "zone-b", "zone-c"}
	for _, z := range zones {
		addControlPlaneNode(t, cs, "ha-cp-"+z[len(z)-1:], z)
	}
	file := writeServices(t, ns)
	deploy(t, c, ns, file)
	waitReady(t, cs, ns, "api", 3)
	waitReady(t, cs, ns, "cache", 3)

	args := []string{"cluster", "--kubeconfig", c.Kubeconfig, "-f", file, "-o", "json", "--require", "zone"}
	got, code := checkJSON(t, args)
	okZone := func(z string) brief {
		return brief{"zone " + z, true, fmt.Sprintf("etcd main keeps 2 of 3 members (quorum 2); 2 API servers up; %[1]s/api 2 of 3 ready; %[1]s/cache 2 of 3 ready", ns)}
	}
	want := []brief{
		{"any one instance", true, fmt.Sprintf("worst is losing ha-cp-a (zone-a): etcd main keeps 2 of 3 members (quorum 2); 2 API servers up; %[1]s/api 3 of 3 ready; %[1]s/cache 3 of 3 ready", ns)},
		okZone("zone-a"), okZone("zone-b"), okZone("zone-c"),
		{"region region-1", false, fmt.Sprintf("etcd main keeps 0 of 3 members (quorum 2): quorum lost; no API server left; %[1]s/api 0 of 3 ready: not serving; %[1]s/cache 0 of 3 ready: not serving", ns)},
	}
	if diff := cmp.Diff(want, got.Scenarios); diff != "" {
		t.Errorf("healthy cluster scenarios (-want +got):\n%s", diff)
	}
	if code != 0 || !got.Passed || len(got.Findings) != 0 {
		t.Errorf("healthy cluster: exit %d, passed %v, findings %+v; want 0, true, none", code, got.Passed, got.Findings)
	}

	down := []string{"ha-cp-a", "worker-1", "worker-4"} // every node of zone-a
	for _, n := range down {
		setNotReady(t, cs, n)
	}
	waitNotReady(t, cs, down)
	got, code = checkJSON(t, args)
	lostZone := func(z string) brief {
		return brief{"zone " + z, false, fmt.Sprintf("etcd main keeps 1 of 3 members (quorum 2): quorum lost; API down; %[1]s/api 1 of 3 ready; %[1]s/cache 1 of 3 ready; drain blocked by PDB %[1]s/api", ns)}
	}
	now := fmt.Sprintf("etcd main keeps 2 of 3 members (quorum 2); 2 API servers up; %[1]s/api 2 of 3 ready; %[1]s/cache 2 of 3 ready", ns)
	want = []brief{
		{"now (3 instances down)", true, now},
		{"any one instance", false, fmt.Sprintf("worst is losing ha-cp-b (zone-b): etcd main keeps 1 of 3 members (quorum 2): quorum lost; API down; %[1]s/api 2 of 3 ready; %[1]s/cache 2 of 3 ready", ns)},
		{"zone zone-a", true, now},
		lostZone("zone-b"), lostZone("zone-c"),
		{"region region-1", false, fmt.Sprintf("etcd main keeps 0 of 3 members (quorum 2): quorum lost; no API server left; %[1]s/api 0 of 3 ready: not serving; %[1]s/cache 0 of 3 ready: not serving; drain blocked by PDB %[1]s/api", ns)},
	}
	if diff := cmp.Diff(want, got.Scenarios); diff != "" {
		t.Errorf("zone-a down scenarios (-want +got):\n%s", diff)
	}
	if code != 1 || got.Passed {
		t.Errorf("zone-a down: exit %d, passed %v; want 1, false", code, got.Passed)
	}
	if len(got.Findings) != 1 || got.Findings[0].Message != "3 instances already down: ha-cp-a, worker-1, worker-4" {
		t.Errorf("zone-a down findings %+v, want only the instances-down warning", got.Findings)
	}
	// The same report as a person reads it (the namespace is random).
	res := clitest.Run(t, check, "cluster", "--kubeconfig", c.Kubeconfig, "-f", file, "--require", "zone")
	if res.Code != 1 {
		t.Errorf("text report: exit %d, want 1", res.Code)
	}
	out := strings.ReplaceAll(res.Stdout, ns+"/", "NS/")
	if cfg, err := clientcmd.LoadFromFile(c.Kubeconfig); err == nil {
		out = strings.Replace(out, "cluster "+cfg.CurrentContext+" ", "cluster CONTEXT ", 1)
	}
	golden.Check(t, "testdata/live-zone-a-down.txt", out)
	// kwok left them alone all along: still NotReady after both reports.
	stillNotReady(t, cs, down)
}

func checkJSON(t *testing.T, args []string) (result, int) {
	t.Helper()
	res := clitest.Run(t, check, args...)
	var r result
	if err := json.Unmarshal([]byte(res.Stdout), &r); err != nil {
		t.Fatalf("ferry check %v: %v\nstdout: %s\nstderr: %s", args, err, res.Stdout, res.Stderr)
	}
	return r, res.Code
}

// addControlPlaneNode registers a kwok node labelled and tainted as a
// control plane, with an etcd member pod bound to it as kubeadm runs them.
func addControlPlaneNode(t *testing.T, cs kubernetes.Interface, name, zone string) {
	t.Helper()
	ctx := t.Context()
	taint := corev1.Taint{Key: "node-role.kubernetes.io/control-plane", Effect: corev1.TaintEffectNoSchedule}
	n := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name:        name,
			Annotations: map[string]string{"kwok.x-k8s.io/node": "fake"},
			Labels: map[string]string{
				"node-role.kubernetes.io/control-plane": "", "kubernetes.io/hostname": name, "type": "kwok",
				"topology.kubernetes.io/zone": zone, "topology.kubernetes.io/region": "region-1",
			},
		},
		Spec: corev1.NodeSpec{Taints: []corev1.Taint{taint}},
		Status: corev1.NodeStatus{
			Allocatable: corev1.ResourceList{corev1.ResourcePods: resourceQuantity("110")},
			Capacity:    corev1.ResourceList{corev1.ResourcePods: resourceQuantity("110")},
		},
	}
	if _, err := cs.CoreV1().Nodes().Create(ctx, n, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating node %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = cs.CoreV1().Nodes().Delete(context.WithoutCancel(ctx), name, metav1.DeleteOptions{})
	})
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "etcd-" + name, Namespace: "kube-system", Labels: map[string]string{"component": "etcd", "tier": "control-plane"}},
		Spec: corev1.PodSpec{
			NodeName:    name,
			Tolerations: []corev1.Toleration{{Key: taint.Key, Operator: corev1.TolerationOpExists}},
			Containers:  []corev1.Container{{Name: "etcd", Image: "registry.k8s.io/etcd:3.6.5-0", Command: []string{"etcd"}}},
		},
	}
	if _, err := cs.CoreV1().Pods("kube-system").Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating etcd pod on %s: %v", name, err)
	}
	t.Cleanup(func() {
		zero := int64(0)
		_ = cs.CoreV1().Pods("kube-system").Delete(context.WithoutCancel(ctx), pod.Name, metav1.DeleteOptions{GracePeriodSeconds: &zero})
	})
	waitPodReady(t, cs, "kube-system", pod.Name)
}

// writeServices writes the ferry file: api spread over the zones with
// ferry's default budget (maxUnavailable 1), cache allowing two down.
func writeServices(t *testing.T, ns string) string {
	t.Helper()
	body := fmt.Sprintf(`apiVersion: ferry.dev/v1alpha1
kind: Services
defaults:
  namespace: %s
services:
  api:
    image: registry.example.com/shop/api:1.4.2
    port: 8080
    health: /healthz
    replicas: 3
    spread: {zones: required}
  cache:
    image: registry.example.com/shop/cache:7
    replicas: 3
    disruption: {maxUnavailable: "2"}
    spread: {zones: required}
`, ns)
	path := filepath.Join(t.TempDir(), "ferry.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// deploy ships the file with ferry's deploy package (server-side apply,
// rollouts watched to Available), as "ferry deploy" does.
func deploy(t *testing.T, c *testcluster.Cluster, ns, path string) {
	t.Helper()
	f, err := spec.LoadFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	client, err := kube.ForConfig(c.RESTConfig(), ns, "ferry-check-test")
	if err != nil {
		t.Fatal(err)
	}
	d, err := ferrydeploy.New(client, "shop", "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Run(t.Context(), ferrydeploy.Request{File: f, Wait: true, Timeout: waitTimeout}); err != nil {
		t.Fatalf("deploying %s: %v", path, err)
	}
}
