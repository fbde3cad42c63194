package testcluster_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"

	"ferry.dev/ferry/internal/testcluster"
)

func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }

const zoneLabel = "topology.kubernetes.io/zone"

func TestNodesSpreadOverThreeZones(t *testing.T) {
	c := testcluster.Start(t)
	nodes, err := c.Clientset().CoreV1().Nodes().List(t.Context(), metav1.ListOptions{LabelSelector: "type=kwok"})
	if err != nil {
		t.Fatal(err)
	}
	perZone := map[string]int{}
	for _, n := range nodes.Items {
		if !testcluster.NodeReady(&n) {
			t.Errorf("node %s is not Ready", n.Name)
		}
		perZone[n.Labels[zoneLabel]]++
	}
	want := map[string]int{"zone-a": 2, "zone-b": 2, "zone-c": 2}
	if diff := cmp.Diff(want, perZone); diff != "" {
		t.Errorf("nodes per zone (-want +got):\n%s", diff)
	}
}

func TestDeploymentRollsOutAcrossZones(t *testing.T) {
	c := testcluster.Start(t)
	ns := c.Namespace(t)
	cs := c.Clientset()
	d := deployment("web", 6)
	if _, err := cs.AppsV1().Deployments(ns).Create(t.Context(), d, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	lw := cache.NewListWatchFromClient(cs.AppsV1().RESTClient(), "deployments", ns, fields.OneTermEqualSelector("metadata.name", "web"))
	_, err := watchtools.UntilWithSync(ctx, lw, &appsv1.Deployment{}, nil, func(ev watch.Event) (bool, error) {
		got, ok := ev.Object.(*appsv1.Deployment)
		return ok && available(got) && got.Status.AvailableReplicas == 6 && got.Status.UpdatedReplicas == 6, nil
	})
	if err != nil {
		t.Fatalf("waiting for Deployment web to be Available: %v", err)
	}

	pods, err := cs.CoreV1().Pods(ns).List(t.Context(), metav1.ListOptions{LabelSelector: "app=web"})
	if err != nil {
		t.Fatal(err)
	}
	perZone := map[string]int{}
	for _, p := range pods.Items {
		if p.Status.Phase != corev1.PodRunning {
			t.Errorf("pod %s is %s, want Running", p.Name, p.Status.Phase)
		}
		node, err := cs.CoreV1().Nodes().Get(t.Context(), p.Spec.NodeName, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		perZone[node.Labels[zoneLabel]]++
	}
	want := map[string]int{"zone-a": 2, "zone-b": 2, "zone-c": 2}
	if diff := cmp.Diff(want, perZone); diff != "" {
		t.Errorf("pods per zone under a zone spread constraint (-want +got):\n%s", diff)
	}
}

func deployment(name string, replicas int32) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{{Name: "app", Image: "example.invalid/app:1"}},
					TopologySpreadConstraints: []corev1.TopologySpreadConstraint{{
						MaxSkew:           1,
						TopologyKey:       zoneLabel,
						WhenUnsatisfiable: corev1.DoNotSchedule,
						LabelSelector:     &metav1.LabelSelector{MatchLabels: labels},
					}},
				},
			},
		},
	}
}

func available(d *appsv1.Deployment) bool {
	for _, c := range d.Status.Conditions {
		if c.Type == appsv1.DeploymentAvailable {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

var httpRoutes = schema.GroupVersionResource{Group: "gateway.networking.k8s.io", Version: "v1", Resource: "httproutes"}

func TestGatewayCRDsValidateHTTPRoutes(t *testing.T) {
	c := testcluster.Start(t)
	if err := c.InstallGatewayCRDs(t.Context()); err != nil {
		t.Fatal(err)
	}
	ns := c.Namespace(t)
	dyn, err := dynamic.NewForConfig(c.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		hostname string
		wantErr  bool
	}{
		{name: "valid", hostname: "api.example.com"},
		{name: "invalid-hostname", hostname: "Not A Hostname!", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := dyn.Resource(httpRoutes).Namespace(ns).Create(t.Context(), httpRoute(tt.name, tt.hostname), metav1.CreateOptions{})
			if tt.wantErr {
				if !apierrors.IsInvalid(err) {
					t.Fatalf("creating HTTPRoute: got %v, want an Invalid error", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("creating HTTPRoute: %v", err)
			}
		})
	}
}

func httpRoute(name, hostname string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "gateway.networking.k8s.io/v1",
		"kind":       "HTTPRoute",
		"metadata":   map[string]any{"name": name},
		"spec": map[string]any{
			"parentRefs": []any{map[string]any{"name": "shared"}},
			"hostnames":  []any{hostname},
			"rules": []any{map[string]any{
				"backendRefs": []any{map[string]any{"name": "web", "port": int64(80)}},
			}},
		},
	}}
}

func TestRestartAPIServerKeepsState(t *testing.T) {
	c := testcluster.Start(t)
	ns := c.Namespace(t)
	cs := c.Clientset()
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "before"}, Data: map[string]string{"k": "v"}}
	if _, err := cs.CoreV1().ConfigMaps(ns).Create(t.Context(), cm, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	if err := c.RestartAPIServer(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Logf("kube-apiserver restarted in %s", time.Since(begin).Round(time.Millisecond))
	got, err := cs.CoreV1().ConfigMaps(ns).Get(t.Context(), "before", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading a ConfigMap written before the restart: %v", err)
	}
	if diff := cmp.Diff(cm.Data, got.Data); diff != "" {
		t.Errorf("ConfigMap after the restart (-want +got):\n%s", diff)
	}
}
