package deploy

import (
	"cmp"
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"ferry.dev/ferry/internal/render"
)

// Ref names one object ferry applied.
type Ref struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
}

// String is "Kind namespace/name", or "Kind name" for cluster objects.
func (r Ref) String() string {
	if r.Namespace == "" {
		return r.Kind + " " + r.Name
	}
	return r.Kind + " " + r.Namespace + "/" + r.Name
}

// GVK is the reference's group, version and kind.
func (r Ref) GVK() schema.GroupVersionKind {
	return schema.FromAPIVersionAndKind(r.APIVersion, r.Kind)
}

// key identifies an object regardless of the API version it was applied at.
func (r Ref) key() string {
	return r.GVK().Group + "/" + r.Kind + "/" + r.Namespace + "/" + r.Name
}

func compareRefs(a, b Ref) int {
	return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name))
}

// RefOf returns the reference of an object.
func RefOf(u *unstructured.Unstructured) Ref {
	return Ref{APIVersion: u.GetAPIVersion(), Kind: u.GetKind(), Namespace: u.GetNamespace(), Name: u.GetName()}
}

// object is one rendered object ready to send: its clean form and where the
// API serves it.
type object struct {
	ref      Ref
	obj      *unstructured.Unstructured
	resource schema.GroupVersionResource
}

// isNamespace reports whether ref is a Namespace, which ferry applies first
// and never prunes.
func (r Ref) isNamespace() bool { return r.Kind == "Namespace" && r.GVK().Group == "" }

// prepare turns rendered objects into what apply sends, mapping each kind to
// its resource. Mapping reads discovery; it changes nothing.
func prepare(mapper meta.RESTMapper, objs []render.Object) ([]object, error) {
	out := make([]object, 0, len(objs))
	for _, o := range objs {
		u, err := render.Unstructured(o)
		if err != nil {
			return nil, err
		}
		if err := stamp(u); err != nil {
			return nil, err
		}
		ref := RefOf(u)
		gvr, err := resourceFor(mapper, ref)
		if err != nil {
			return nil, err
		}
		out = append(out, object{ref: ref, obj: u, resource: gvr})
	}
	return out, nil
}

func resourceFor(mapper meta.RESTMapper, ref Ref) (schema.GroupVersionResource, error) {
	gvk := ref.GVK()
	m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		if meta.IsNoMatchError(err) {
			return schema.GroupVersionResource{}, fmt.Errorf("%s: the cluster does not serve %s (is its CRD installed?): %w", ref, ref.APIVersion, err)
		}
		return schema.GroupVersionResource{}, fmt.Errorf("finding the resource of %s: %w", ref, err)
	}
	return m.Resource, nil
}

func refsOf(objs []object) []Ref {
	refs := make([]Ref, len(objs))
	for i, o := range objs {
		refs[i] = o.ref
	}
	return refs
}

func sortedRefs(refs []Ref) []Ref {
	out := slices.Clone(refs)
	slices.SortFunc(out, compareRefs)
	return slices.CompactFunc(out, func(a, b Ref) bool { return a.key() == b.key() })
}
