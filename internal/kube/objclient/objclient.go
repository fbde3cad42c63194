package objclient

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
)

// Object is a Kubernetes object: a typed one of a kind the client's scheme
// knows, or an *unstructured.Unstructured that names its own kind.
type Object interface {
	metav1.Object
	runtime.Object
}

// Reader gets one object by namespace and name into obj.
type Reader interface {
	Get(ctx context.Context, key types.NamespacedName, obj Object) error
}

// Client is what ferry asks of the API server about whole objects. Every
// call that writes leaves obj as the server returned it (its new
// resourceVersion and generation); errors are the API server's, so
// apierrors.IsNotFound and IsConflict work on them.
type Client interface {
	Reader
	Create(ctx context.Context, obj Object) error
	// Update replaces obj, conditional on its resourceVersion.
	Update(ctx context.Context, obj Object) error
	// UpdateStatus replaces obj's status subresource, conditional on its
	// resourceVersion.
	UpdateStatus(ctx context.Context, obj Object) error
	// Delete deletes obj; opts carries preconditions and the propagation
	// policy.
	Delete(ctx context.Context, obj Object, opts metav1.DeleteOptions) error
	// Apply server-side applies obj as fieldManager, taking over fields
	// other managers own (what an installer means).
	Apply(ctx context.Context, obj Object, fieldManager string) error
}

// Dynamic is Client over client-go's dynamic client: typed objects go to
// and from unstructured content through their scheme.
type Dynamic struct {
	Client dynamic.Interface
	Mapper meta.RESTMapper
	// Scheme knows the typed kinds this client is given.
	Scheme *runtime.Scheme
}

var _ Client = (*Dynamic)(nil)

// resource is where obj lives: its kind's resource, in obj's namespace if
// the kind is namespaced.
func (d *Dynamic) resource(obj Object) (dynamic.ResourceInterface, schema.GroupVersionKind, error) {
	gvk, err := d.kind(obj)
	if err != nil {
		return nil, gvk, err
	}
	m, err := d.Mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return nil, gvk, fmt.Errorf("finding the resource of %s: %w", gvk.Kind, err)
	}
	r := d.Client.Resource(m.Resource)
	if m.Scope.Name() == meta.RESTScopeNameNamespace {
		return r.Namespace(obj.GetNamespace()), gvk, nil
	}
	return r, gvk, nil
}

func (d *Dynamic) kind(obj Object) (schema.GroupVersionKind, error) {
	if u, ok := obj.(*unstructured.Unstructured); ok {
		gvk := u.GroupVersionKind()
		if gvk.Kind == "" || gvk.Version == "" {
			return gvk, fmt.Errorf("object %q names no apiVersion and kind", u.GetName())
		}
		return gvk, nil
	}
	kinds, _, err := d.Scheme.ObjectKinds(obj)
	if err != nil {
		return schema.GroupVersionKind{}, err
	}
	return kinds[0], nil
}

// content is obj as unstructured content, with its apiVersion and kind set.
func (d *Dynamic) content(obj Object, gvk schema.GroupVersionKind) (*unstructured.Unstructured, error) {
	if u, ok := obj.(*unstructured.Unstructured); ok {
		return u, nil
	}
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, fmt.Errorf("encoding %s %s: %w", gvk.Kind, obj.GetName(), err)
	}
	u := &unstructured.Unstructured{Object: m}
	u.SetGroupVersionKind(gvk)
	return u, nil
}

// into copies what the server returned into obj.
func into(got *unstructured.Unstructured, obj Object) error {
	if u, ok := obj.(*unstructured.Unstructured); ok {
		u.Object = got.Object
		return nil
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(got.Object, obj); err != nil {
		return fmt.Errorf("decoding %s %s: %w", got.GetKind(), got.GetName(), err)
	}
	return nil
}

// Get reads key's object of obj's kind into obj.
func (d *Dynamic) Get(ctx context.Context, key types.NamespacedName, obj Object) error {
	obj.SetNamespace(key.Namespace)
	r, _, err := d.resource(obj)
	if err != nil {
		return err
	}
	got, err := r.Get(ctx, key.Name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	return into(got, obj)
}

// write sends obj through call and copies the server's answer back.
func (d *Dynamic) write(obj Object, call func(dynamic.ResourceInterface, *unstructured.Unstructured) (*unstructured.Unstructured, error)) error {
	r, gvk, err := d.resource(obj)
	if err != nil {
		return err
	}
	u, err := d.content(obj, gvk)
	if err != nil {
		return err
	}
	got, err := call(r, u)
	if err != nil {
		return err
	}
	return into(got, obj)
}

// Create creates obj.
func (d *Dynamic) Create(ctx context.Context, obj Object) error {
	return d.write(obj, func(r dynamic.ResourceInterface, u *unstructured.Unstructured) (*unstructured.Unstructured, error) {
		return r.Create(ctx, u, metav1.CreateOptions{})
	})
}

// Update replaces obj, conditional on its resourceVersion.
func (d *Dynamic) Update(ctx context.Context, obj Object) error {
	return d.write(obj, func(r dynamic.ResourceInterface, u *unstructured.Unstructured) (*unstructured.Unstructured, error) {
		return r.Update(ctx, u, metav1.UpdateOptions{})
	})
}

// UpdateStatus replaces obj's status, conditional on its resourceVersion.
func (d *Dynamic) UpdateStatus(ctx context.Context, obj Object) error {
	return d.write(obj, func(r dynamic.ResourceInterface, u *unstructured.Unstructured) (*unstructured.Unstructured, error) {
		return r.UpdateStatus(ctx, u, metav1.UpdateOptions{})
	})
}

// Apply server-side applies obj as fieldManager, forcing ownership.
func (d *Dynamic) Apply(ctx context.Context, obj Object, fieldManager string) error {
	return d.write(obj, func(r dynamic.ResourceInterface, u *unstructured.Unstructured) (*unstructured.Unstructured, error) {
		return r.Apply(ctx, u.GetName(), u, metav1.ApplyOptions{FieldManager: fieldManager, Force: true})
	})
}

// Delete deletes obj with opts.
func (d *Dynamic) Delete(ctx context.Context, obj Object, opts metav1.DeleteOptions) error {
	r, _, err := d.resource(obj)
	if err != nil {
		return err
	}
	return r.Delete(ctx, obj.GetName(), opts)
}
