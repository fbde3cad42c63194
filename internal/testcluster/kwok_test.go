package testcluster_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"

	"ferry.dev/ferry/internal/testcluster"
)

// heal is how long a node marked NotReady is watched for kwok turning it
// Ready again; without the annotation kwok does so within milliseconds.
const heal = 3 * time.Second

// TestManualStatusNodeStaysNotReady: a node annotated with
// ManualStatusAnnotation keeps the NotReady status a test gives it; once the
// annotation is removed, kwok makes it Ready again.
func TestManualStatusNodeStaysNotReady(t *testing.T) {
	c := testcluster.Start(t)
	cs := c.Clientset()
	ctx := t.Context()
	name := "manual-status"
	node := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: map[string]string{"kwok.x-k8s.io/node": "fake"}},
		// Tainted so that other tests' pods never land on it.
		Spec:   corev1.NodeSpec{Taints: []corev1.Taint{{Key: "ferry.dev/test", Effect: corev1.TaintEffectNoSchedule}}},
		Status: corev1.NodeStatus{Capacity: corev1.ResourceList{corev1.ResourcePods: resource.MustParse("10")}},
	}
	if _, err := cs.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cs.CoreV1().Nodes().Delete(context.WithoutCancel(ctx), name, metav1.DeleteOptions{}) })
	waitNode(t, cs, name, "Ready", testcluster.NodeReady)

	n, err := cs.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n.Annotations[testcluster.ManualStatusAnnotation] = testcluster.ManualStatusValue
	if n, err = cs.CoreV1().Nodes().Update(ctx, n, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	for i := range n.Status.Conditions {
		if n.Status.Conditions[i].Type == corev1.NodeReady {
			n.Status.Conditions[i].Status, n.Status.Conditions[i].Reason = corev1.ConditionFalse, "TestSaysSo"
		}
	}
	if _, err := cs.CoreV1().Nodes().UpdateStatus(ctx, n, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	healCtx, cancel := context.WithTimeout(ctx, heal)
	defer cancel()
	if err := untilNode(healCtx, cs, name, testcluster.NodeReady); err == nil {
		t.Fatalf("node %s annotated %s=%s turned Ready again", name, testcluster.ManualStatusAnnotation, testcluster.ManualStatusValue)
	}

	n, err = cs.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if testcluster.NodeReady(n) {
		t.Fatalf("node %s is Ready after %s, want NotReady", name, heal)
	}
	delete(n.Annotations, testcluster.ManualStatusAnnotation)
	if _, err := cs.CoreV1().Nodes().Update(ctx, n, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitNode(t, cs, name, "Ready again once given back to kwok", testcluster.NodeReady)
}

// TestNeverReadyPodRunsButIsNotReady: a pod annotated with
// NeverReadyAnnotation is scheduled and Running but not Ready, as a pod
// whose readiness probe fails; a pod without it becomes Ready.
func TestNeverReadyPodRunsButIsNotReady(t *testing.T) {
	c := testcluster.Start(t)
	ns := c.Namespace(t)
	cs := c.Clientset()
	for _, p := range []*corev1.Pod{pod("never", map[string]string{testcluster.NeverReadyAnnotation: "true"}), pod("plain", nil)} {
		if _, err := cs.CoreV1().Pods(ns).Create(t.Context(), p, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	plain := waitPod(t, cs, ns, "plain", func(p *corev1.Pod) bool { return p.Status.Phase == corev1.PodRunning })
	if c := podCondition(plain, corev1.PodReady); c == nil || c.Status != corev1.ConditionTrue {
		t.Errorf("pod plain: Running with Ready %+v, want True", c)
	}
	never := waitPod(t, cs, ns, "never", func(p *corev1.Pod) bool { return p.Status.Phase == corev1.PodRunning })
	ready := podCondition(never, corev1.PodReady)
	if ready == nil || ready.Status != corev1.ConditionFalse || ready.Reason != "ContainersNotReady" || ready.Message != "containers with unready status: [app]" {
		t.Errorf("pod never: Ready condition %+v, want False, ContainersNotReady, containers with unready status: [app]", ready)
	}
	if len(never.Status.ContainerStatuses) != 1 || never.Status.ContainerStatuses[0].Ready || never.Status.ContainerStatuses[0].State.Running == nil {
		t.Errorf("pod never: container statuses %+v, want app running and not ready", never.Status.ContainerStatuses)
	}
	if never.Status.PodIP == "" {
		t.Error("pod never has no IP")
	}
}

// TestServiceIPRangeIsWide: Services take ClusterIPs from ServiceCIDR, a
// /16, so an address beyond the default /24 is accepted.
func TestServiceIPRangeIsWide(t *testing.T) {
	c := testcluster.Start(t)
	ns := c.Namespace(t)
	cs := c.Clientset()
	prefix := netip.MustParsePrefix(testcluster.ServiceCIDR)
	k, err := cs.CoreV1().Services("default").Get(t.Context(), "kubernetes", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ip, err := netip.ParseAddr(k.Spec.ClusterIP); err != nil || !prefix.Contains(ip) {
		t.Errorf("Service kubernetes has ClusterIP %s, want one in %s (a cluster made before the range changed? recreate it)", k.Spec.ClusterIP, prefix)
	}
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "far"},
		Spec: corev1.ServiceSpec{
			ClusterIP: "10.96.200.10",
			Ports:     []corev1.ServicePort{{Port: 80, TargetPort: intstr.FromInt32(8080)}},
		},
	}
	if _, err := cs.CoreV1().Services(ns).Create(t.Context(), svc, metav1.CreateOptions{}); err != nil {
		t.Errorf("creating a Service with ClusterIP 10.96.200.10: %v", err)
	}
}

func pod(name string, annotations map[string]string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: annotations},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "example.invalid/app:1"}}},
	}
}

func podCondition(p *corev1.Pod, t corev1.PodConditionType) *corev1.PodCondition {
	for i := range p.Status.Conditions {
		if p.Status.Conditions[i].Type == t {
			return &p.Status.Conditions[i]
		}
	}
	return nil
}

// waitPod watches the pod until done holds and returns it.
func waitPod(t *testing.T, cs kubernetes.Interface, ns, name string, done func(*corev1.Pod) bool) *corev1.Pod {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	lw := cache.NewListWatchFromClient(cs.CoreV1().RESTClient(), "pods", ns, fields.OneTermEqualSelector("metadata.name", name))
	ev, err := watchtools.UntilWithSync(ctx, lw, &corev1.Pod{}, nil, func(ev watch.Event) (bool, error) {
		p, ok := ev.Object.(*corev1.Pod)
		return ok && done(p), nil
	})
	if err != nil {
		t.Fatalf("waiting for pod %s/%s: %v", ns, name, err)
	}
	return ev.Object.(*corev1.Pod)
}

func waitNode(t *testing.T, cs kubernetes.Interface, name, what string, done func(*corev1.Node) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	if err := untilNode(ctx, cs, name, done); err != nil {
		t.Fatalf("waiting for node %s to be %s: %v", name, what, err)
	}
}

// untilNode watches the node until done holds or ctx ends.
func untilNode(ctx context.Context, cs kubernetes.Interface, name string, done func(*corev1.Node) bool) error {
	lw := cache.NewListWatchFromClient(cs.CoreV1().RESTClient(), "nodes", metav1.NamespaceAll, fields.OneTermEqualSelector("metadata.name", name))
	_, err := watchtools.UntilWithSync(ctx, lw, &corev1.Node{}, nil, func(ev watch.Event) (bool, error) {
		n, ok := ev.Object.(*corev1.Node)
		return ok && ev.Type != watch.Deleted && done(n), nil
	})
	return err
}
