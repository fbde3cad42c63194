package testcluster

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"
)

// nodesYAML lists the simulated nodes; hack/cluster.sh applies the same file.
//
//go:embed nodes.yaml
var nodesYAML []byte

// Nodes returns the simulated worker nodes every cluster gets: two in each
// of zones zone-a, zone-b and zone-c of region region-1.
func Nodes() ([]corev1.Node, error) {
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(nodesYAML), 4096)
	var nodes []corev1.Node
	for range 64 { // bounded: the file holds a handful of nodes
		var n corev1.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return nodes, nil
		}
		if err != nil {
			return nil, fmt.Errorf("decoding nodes.yaml: %w", err)
		}
		if n.Name != "" {
			nodes = append(nodes, n)
		}
	}
	return nil, errors.New("decoding nodes.yaml: more than 64 documents")
}

// createNodes registers the simulated nodes and waits until kwok reports
// every one Ready, so the scheduler can place pods on them.
func (c *Cluster) createNodes(ctx context.Context) error {
	nodes, err := Nodes()
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for i := range nodes {
		if _, err := c.clientset.CoreV1().Nodes().Create(ctx, &nodes[i], metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("creating node %s: %w", nodes[i].Name, err)
		}
		want[nodes[i].Name] = true
	}
	if err := c.waitNodesReady(ctx, want); err != nil {
		return fmt.Errorf("waiting for the nodes to be Ready: %w", err)
	}
	return nil
}

// waitNodesReady watches nodes until every wanted one is Ready.
func (c *Cluster) waitNodesReady(ctx context.Context, want map[string]bool) error {
	lw := cache.NewListWatchFromClient(c.clientset.CoreV1().RESTClient(), "nodes", metav1.NamespaceAll, fields.Everything())
	ready := map[string]bool{}
	_, err := watchtools.UntilWithSync(ctx, lw, &corev1.Node{}, nil, func(ev watch.Event) (bool, error) {
		n, ok := ev.Object.(*corev1.Node)
		if !ok || !want[n.Name] {
			return false, nil
		}
		ready[n.Name] = ev.Type != watch.Deleted && NodeReady(n)
		for name := range want {
			if !ready[name] {
				return false, nil
			}
		}
		return true, nil
	})
	return err
}

// NodeReady reports whether the node's Ready condition is True.
func NodeReady(n *corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// waitDefaultServiceAccount watches until kube-controller-manager has
// created the namespace's ServiceAccount "default"; until then the
// apiserver refuses pods there ("serviceaccount default not found").
func (c *Cluster) waitDefaultServiceAccount(ctx context.Context, ns string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	lw := cache.NewListWatchFromClient(c.clientset.CoreV1().RESTClient(), "serviceaccounts", ns, fields.OneTermEqualSelector("metadata.name", "default"))
	_, err := watchtools.UntilWithSync(ctx, lw, &corev1.ServiceAccount{}, nil, func(ev watch.Event) (bool, error) {
		return ev.Type != watch.Deleted, nil
	})
	if err != nil {
		return fmt.Errorf("waiting for ServiceAccount %s/default: %w", ns, err)
	}
	return nil
}

// probePod checks the whole path of a pod before any test relies on it:
// kube-scheduler places it and kwok makes it Running and Ready. A
// component that could not start (its port taken between being chosen and
// bound) leaves every pod Pending without a word, and each test would wait
// out its own timeout; a cluster that fails this is made again.
func (c *Cluster) probePod(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	pods := c.clientset.CoreV1().Pods(metav1.NamespaceDefault)
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "testcluster-probe-"},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "probe", Image: "registry.k8s.io/pause:3.10"}}},
	}
	got, err := pods.Create(ctx, pod, metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("creating a probe pod: %w", err)
	}
	defer func() { _ = pods.Delete(context.WithoutCancel(ctx), got.Name, *metav1.NewDeleteOptions(0)) }()
	lw := cache.NewListWatchFromClient(c.clientset.CoreV1().RESTClient(), "pods", metav1.NamespaceDefault, fields.OneTermEqualSelector("metadata.name", got.Name))
	var last *corev1.Pod
	_, err = watchtools.UntilWithSync(ctx, lw, &corev1.Pod{}, nil, func(ev watch.Event) (bool, error) {
		p, ok := ev.Object.(*corev1.Pod)
		if !ok {
			return false, nil
		}
		last = p
		for _, cond := range p.Status.Conditions {
			if cond.Type == corev1.PodReady && cond.Status == corev1.ConditionTrue {
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		where := "never seen"
		if last != nil {
			where = fmt.Sprintf("%s on node %q", last.Status.Phase, last.Spec.NodeName)
		}
		return fmt.Errorf("probe pod %s not Ready within %s (%s): is kube-scheduler or kwok-controller down? %w", got.Name, probeTimeout, where, err)
	}
	return nil
}

// probeTimeout bounds probePod: a pod is Ready within a second or two on
// a healthy cluster, even on a loaded machine.
const probeTimeout = 45 * time.Second
