package install

import (
	"cmp"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/controller/crds"
	"ferry.dev/ferry/internal/render"
	"ferry.dev/ferry/internal/spec"
)

// Name is the name of the controller's Deployment, ServiceAccount and
// roles.
const Name = "ferry-controller"

// healthPort serves /healthz and /readyz.
const healthPort = 8081

// DefaultMemory is the controller container's memory request and limit
// unless Options say otherwise: enough for 1000 ServiceFiles of 5
// services, which peak at 45 MiB of the controller's own memory, 79 MiB
// with the binary's pages (docs/benchmarks.md, "Projections as structs
// of their own").
const DefaultMemory = "128Mi"

// softMemoryLimit is GOMEMLIMIT for the controller: nine tenths of its
// container's limit, so the Go runtime collects harder as the heap nears
// the limit instead of letting garbage grow past it (by default the heap
// may reach twice what is live before a collection). The container limit
// stays the hard one.
func softMemoryLimit(memory resource.Quantity) string {
	return fmt.Sprintf("%dMiB", memory.Value()*9/10>>20)
}

// Options say what to install.
type Options struct {
	Namespace string
	// Image runs "ferry controller run": ferry's binary as entrypoint,
	// with ferry-controller beside it (which that command executes).
	Image    string
	Replicas int
	// Memory is the container's memory request and limit (default
	// DefaultMemory).
	Memory string
}

// Manifests are every object, CRDs first, as unstructured objects ready to
// apply or print.
func Manifests(o Options) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	defs, err := crds.Objects()
	if err != nil {
		return nil, err
	}
	for _, d := range defs {
		if err := add(&out, d); err != nil {
			return nil, err
		}
	}
	workload, err := rendered(o)
	if err != nil {
		return nil, err
	}
	for _, obj := range append(rbac(o.Namespace), workload...) {
		if err := add(&out, obj); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func add(out *[]*unstructured.Unstructured, obj runtime.Object) error {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return fmt.Errorf("converting %T: %w", obj, err)
	}
	u := &unstructured.Unstructured{Object: m}
	unstructured.RemoveNestedField(u.Object, "status")
	unstructured.RemoveNestedField(u.Object, "metadata", "creationTimestamp")
	*out = append(*out, u)
	return nil
}

// rendered is the controller as a ferry service: the namespace, the
// ServiceAccount, the Deployment (POD_NAME added, for the leader Lease;
// GOMEMLIMIT, a soft limit under the container's),
// the Service of its health port and its PodDisruptionBudget.
func rendered(o Options) ([]runtime.Object, error) {
	port, replicas := healthPort, o.Replicas
	memory, err := resource.ParseQuantity(cmp.Or(o.Memory, DefaultMemory))
	if err != nil || memory.Value() < 64<<20 {
		return nil, fmt.Errorf("memory %q: want a quantity of at least 64Mi, such as 256Mi", o.Memory)
	}
	f := v1alpha1.File{
		APIVersion: v1alpha1.APIVersion, Kind: v1alpha1.Kind,
		Defaults: &v1alpha1.Defaults{Namespace: o.Namespace},
		Services: map[string]*v1alpha1.Service{Name: {
			Image: o.Image, Port: &port, Health: "/readyz", Replicas: &replicas, CPU: "100m", Memory: memory.String(),
			Args: []string{"controller", "run", "--namespace", o.Namespace, fmt.Sprintf("--health-addr=:%d", healthPort), "--metrics-addr=:8080"},
		}},
	}
	data, err := yaml.Marshal(f)
	if err != nil {
		return nil, err
	}
	sf, err := spec.Load("ferry controller install", data)
	if err != nil {
		return nil, err
	}
	objs, err := render.Render(sf, render.Options{})
	if err != nil {
		return nil, err
	}
	out := make([]runtime.Object, 0, len(objs))
	for _, obj := range objs {
		if d, ok := obj.(*appsv1.Deployment); ok {
			pod := &d.Spec.Template.Spec // its ServiceAccount is the rendered one, named Name
			pod.Containers[0].Env = append(pod.Containers[0].Env, corev1.EnvVar{Name: "POD_NAME",
				ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
				corev1.EnvVar{Name: "GOMEMLIMIT", Value: softMemoryLimit(memory)})
		}
		out = append(out, obj)
	}
	return out, nil
}
