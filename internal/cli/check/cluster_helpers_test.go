package check

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"

	"ferry.dev/ferry/internal/testcluster"
)

const pollEvery = 200 * time.Millisecond

func resourceQuantity(s string) resource.Quantity { return resource.MustParse(s) }

// poll calls done until it reports true, failing the test on error or when
// the safety-net timeout passes.
func poll(t *testing.T, what string, done func(ctx context.Context) (bool, error)) {
	t.Helper()
	if err := wait.PollUntilContextTimeout(t.Context(), pollEvery, waitTimeout, true, done); err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

func waitPodReady(t *testing.T, cs kubernetes.Interface, ns, name string) {
	t.Helper()
	poll(t, "pod "+ns+"/"+name+" to be Ready", func(ctx context.Context) (bool, error) {
		p, err := cs.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodReady {
				return c.Status == corev1.ConditionTrue, nil
			}
		}
		return false, nil
	})
}

// waitReady waits until the Deployment has n ready replicas and no others.
func waitReady(t *testing.T, cs kubernetes.Interface, ns, name string, n int32) {
	t.Helper()
	poll(t, "Deployment "+ns+"/"+name+" to be ready", func(ctx context.Context) (bool, error) {
		d, err := cs.AppsV1().Deployments(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		s := d.Status
		return s.ObservedGeneration == d.Generation && s.ReadyReplicas == n && s.Replicas == n && s.UpdatedReplicas == n, nil
	})
}

// setNotReady marks the node NotReady, as a node whose zone went dark
// looks, and tells kwok to leave its status alone; the test's cleanup
// gives it back to kwok, which makes it Ready again.
func setNotReady(t *testing.T, cs kubernetes.Interface, name string) {
	t.Helper()
	if err := annotate(t.Context(), cs, name, testcluster.ManualStatusValue); err != nil {
		t.Fatalf("taking node %s's status from kwok: %v", name, err)
	}
	t.Cleanup(func() {
		if err := annotate(context.WithoutCancel(t.Context()), cs, name, ""); err != nil {
			t.Errorf("giving node %s back to kwok: %v", name, err)
		}
	})
	if err := markReady(t.Context(), cs, name, corev1.ConditionFalse); err != nil {
		t.Fatal(err)
	}
}

// annotate sets testcluster.ManualStatusAnnotation on the node, or removes
// it for "".
func annotate(ctx context.Context, cs kubernetes.Interface, name, value string) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		n, err := cs.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if value == "" {
			delete(n.Annotations, testcluster.ManualStatusAnnotation)
		} else {
			if n.Annotations == nil {
				n.Annotations = map[string]string{}
			}
			n.Annotations[testcluster.ManualStatusAnnotation] = value
		}
		_, err = cs.CoreV1().Nodes().Update(ctx, n, metav1.UpdateOptions{})
		return err
	})
}

// markReady sets the node's Ready condition.
func markReady(ctx context.Context, cs kubernetes.Interface, name string, status corev1.ConditionStatus) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		n, err := cs.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		now := metav1.Now()
		cond := corev1.NodeCondition{Type: corev1.NodeReady, Status: status, Reason: "FerryCheckTest", LastHeartbeatTime: now, LastTransitionTime: now}
		found := false
		for i := range n.Status.Conditions {
			if n.Status.Conditions[i].Type == corev1.NodeReady {
				n.Status.Conditions[i], found = cond, true
			}
		}
		if !found {
			n.Status.Conditions = append(n.Status.Conditions, cond)
		}
		_, err = cs.CoreV1().Nodes().UpdateStatus(ctx, n, metav1.UpdateOptions{})
		return err
	})
}

// waitNotReady waits until every node reads as not Ready. A cluster whose
// kwok ignores testcluster.ManualStatusAnnotation (one made before
// testcluster had it, reused through FERRY_TEST_KUBECONFIG) heals the
// nodes; the safety-net timeout then says so.
func waitNotReady(t *testing.T, cs kubernetes.Interface, names []string) {
	t.Helper()
	poll(t, "nodes to stay NotReady (kwok must honour "+testcluster.ManualStatusAnnotation+")", func(ctx context.Context) (bool, error) {
		for _, name := range names {
			n, err := cs.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			for _, c := range n.Status.Conditions {
				if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
					return false, nil
				}
			}
		}
		return true, nil
	})
}

// stillNotReady fails the test for every node that reads Ready now.
func stillNotReady(t *testing.T, cs kubernetes.Interface, names []string) {
	t.Helper()
	for _, name := range names {
		n, err := cs.CoreV1().Nodes().Get(t.Context(), name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if testcluster.NodeReady(n) {
			t.Errorf("node %s is Ready again; kwok must leave nodes annotated %s=%s alone", name, testcluster.ManualStatusAnnotation, testcluster.ManualStatusValue)
		}
	}
}
