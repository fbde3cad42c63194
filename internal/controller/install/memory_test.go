package install_test

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"

	"ferry.dev/ferry/internal/controller/install"
)

// The controller's Go runtime gets a soft memory limit under its
// container's hard one.
func TestManifestsSetASoftMemoryLimitUnderTheContainers(t *testing.T) {
	objs, err := install.Manifests(install.Options{Namespace: "ferry-system", Image: "registry.example.com/ferry:1", Replicas: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range objs {
		if u.GetKind() != "Deployment" {
			continue
		}
		var d appsv1.Deployment
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &d); err != nil {
			t.Fatal(err)
		}
		c := d.Spec.Template.Spec.Containers[0]
		hard := c.Resources.Limits.Memory().Value()
		for _, e := range c.Env {
			if e.Name != "GOMEMLIMIT" {
				continue
			}
			q := resource.MustParse(e.Value[:len(e.Value)-1]) // "115MiB": Go's suffix; Kubernetes says "Mi"
			soft := q.Value()
			if soft <= hard/2 || soft >= hard {
				t.Errorf("GOMEMLIMIT %s (%d bytes), want just under the container's limit (%d bytes)", e.Value, soft, hard)
			}
			return
		}
		t.Fatalf("no GOMEMLIMIT in %v", c.Env)
	}
	t.Fatal("no Deployment in the manifests")
}
