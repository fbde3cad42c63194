package render

import (
	"fmt"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"ferry.dev/ferry/internal/spec"
)

// Object is a Kubernetes object with its TypeMeta set, so it encodes with
// apiVersion and kind and can be applied as is.
type Object interface {
	runtime.Object
	metav1.Object
}

// Options narrow what is rendered.
type Options struct {
	// Service renders only the named service (and its namespace).
	Service string
}

// ErrUnknownService is returned when Options.Service names no service.
type ErrUnknownService struct {
	Name  string
	Known []string
}

func (e *ErrUnknownService) Error() string {
	if len(e.Known) > maxNamed {
		return fmt.Sprintf("no service %q in the file (services: %s, …; %d in all)", e.Name, strings.Join(e.Known[:maxNamed], ", "), len(e.Known))
	}
	return fmt.Sprintf("no service %q in the file (services: %s)", e.Name, strings.Join(e.Known, ", "))
}

// maxNamed is how many services the error names: a file of a thousand
// services would print a thousand names.
const maxNamed = 10

// Render returns every object for f, namespaces first, then each service's
// objects in name order.
func Render(f *spec.File, opts Options) ([]Object, error) {
	svcs, err := selected(f, opts)
	if err != nil {
		return nil, err
	}
	objs := append(namespaceObjects(svcs), services(svcs)...)
	if err := check(objs); err != nil {
		return nil, rejected(err)
	}
	return objs, nil
}

// rejected is the error for objects that fail check.
func rejected(err error) error {
	return fmt.Errorf("rendering objects the API server would reject (a gap in validation; please report it): %w", err)
}

// selected is the services of f that opts asks for.
func selected(f *spec.File, opts Options) ([]spec.Service, error) {
	if opts.Service == "" {
		return f.Services, nil
	}
	s, ok := f.Service(opts.Service)
	if !ok {
		known := make([]string, len(f.Services))
		for i, s := range f.Services {
			known[i] = s.Name
		}
		return nil, &ErrUnknownService{Name: opts.Service, Known: known}
	}
	return []spec.Service{s}, nil
}

// namespaceObjects is a Namespace for each namespace of svcs, in name
// order.
func namespaceObjects(svcs []spec.Service) []Object {
	var objs []Object
	for _, ns := range namespaces(svcs) {
		objs = append(objs, namespace(ns))
	}
	return objs
}

// services returns the objects of svcs in order, built on every core
// when there are many: services are independent.
func services(svcs []spec.Service) []Object {
	parts := make([][]Object, chunks(len(svcs), parallelMin/objectsPerService))
	inChunks(len(svcs), len(parts), func(c, lo, hi int) {
		for _, s := range svcs[lo:hi] {
			parts[c] = append(parts[c], Service(s)...)
		}
	})
	return slices.Concat(parts...)
}

// objectsPerService is about how many objects a service renders to.
const objectsPerService = 5

// templateOf returns the pod template of a workload object.
func templateOf(obj Object) (*corev1.PodTemplateSpec, bool) {
	if d, ok := obj.(*appsv1.Deployment); ok {
		return &d.Spec.Template, true
	}
	return nil, false
}

// Service returns the objects of one service.
func Service(s spec.Service) []Object {
	objs := []Object{serviceAccount(s), deployment(s)}
	if s.Port != 0 || s.MetricsPort != 0 {
		objs = append(objs, service(s))
	}
	if s.Disruption != nil {
		objs = append(objs, podDisruptionBudget(s))
	}
	if len(s.Domains) > 0 {
		if s.Gateway != nil {
			objs = append(objs, httpRoute(s))
		} else {
			objs = append(objs, ingress(s))
		}
	}
	return objs
}

func namespaces(svcs []spec.Service) []string {
	var out []string
	for _, s := range svcs {
		if !slices.Contains(out, s.Namespace) {
			out = append(out, s.Namespace)
		}
	}
	slices.Sort(out)
	return out
}

func namespace(name string) *corev1.Namespace {
	return &corev1.Namespace{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
		ObjectMeta: metav1.ObjectMeta{
			Name:   name,
			Labels: map[string]string{ManagedByLabel: ManagedBy},
		},
	}
}

func serviceAccount(s spec.Service) *corev1.ServiceAccount {
	return &corev1.ServiceAccount{
		TypeMeta:                     metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
		ObjectMeta:                   objectMeta(s),
		AutomountServiceAccountToken: new(false),
	}
}
