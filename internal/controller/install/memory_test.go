package install_test

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"ferry.dev/ferry/internal/controller/install"
)

// The controller's Go runtime gets a soft memory limit under its
// container's hard one, for the default and a chosen memory; a memory
// that is no quantity, or too small to start in, is refused.
func TestManifestsSetASoftMemoryLimitUnderTheContainers(t *testing.T) {
	for _, tc := range []struct{ memory, hard, soft string }{
		{"", "128Mi", "115MiB"},
		{"256Mi", "256Mi", "230MiB"},
	} {
		objs, err := install.Manifests(install.Options{Namespace: "ferry-system", Image: "registry.example.com/ferry:1", Replicas: 1, Memory: tc.memory})
		if err != nil {
			t.Fatal(err)
		}
		c := controllerContainer(t, objs)
		if got := c.Resources.Limits.Memory(); got.Cmp(resource.MustParse(tc.hard)) != 0 || c.Resources.Requests.Memory().Cmp(*got) != 0 {
			t.Errorf("memory %q: limit %v, request %v; want both %s", tc.memory, got, c.Resources.Requests.Memory(), tc.hard)
		}
		soft := ""
		for _, e := range c.Env {
			if e.Name == "GOMEMLIMIT" {
				soft = e.Value
			}
		}
		if soft != tc.soft {
			t.Errorf("memory %q: GOMEMLIMIT %q, want %q (nine tenths of the limit)", tc.memory, soft, tc.soft)
		}
	}
	for _, bad := range []string{"lots", "32Mi"} {
		_, err := install.Manifests(install.Options{Namespace: "ferry-system", Image: "registry.example.com/ferry:1", Replicas: 1, Memory: bad})
		if err == nil || !strings.Contains(err.Error(), "at least 64Mi") {
			t.Errorf("memory %q: %v, want refused", bad, err)
		}
	}
}

func controllerContainer(t *testing.T, objs []*unstructured.Unstructured) corev1.Container {
	t.Helper()
	for _, u := range objs {
		if u.GetKind() != "Deployment" {
			continue
		}
		var d appsv1.Deployment
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &d); err != nil {
			t.Fatal(err)
		}
		return d.Spec.Template.Spec.Containers[0]
	}
	t.Fatal("no Deployment in the manifests")
	return corev1.Container{}
}
