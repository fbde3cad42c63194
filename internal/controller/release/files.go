package release

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"

	"k8s.io/apimachinery/pkg/types"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"

	"ferry.dev/ferry/api/v1alpha1"
)

// fileIndex finds the ServiceFiles that deploy a service, so an event on
// an object ferry rendered finds its files without a request or a list.
// The ServiceFile informer's events keep it. The cache's field index did
// the same at ~1.5 KB a service (a set for each value, and each value
// twice: controller-runtime adds an all-namespaces key), 7.5 MB of the
// controller's heap at 1000 files of 5 services; this map is 1.5 MB.
type fileIndex struct {
	mu    sync.RWMutex
	files map[string][]types.NamespacedName // by "namespace/service"
}

// servicesOf is where each service of sf lands, as "namespace/name": the
// service's own namespace, the file's default, or the file's.
func servicesOf(sf *v1alpha1.ServiceFile) []string {
	def := sf.Namespace
	if sf.Spec.Defaults != nil {
		def = cmp.Or(sf.Spec.Defaults.Namespace, def)
	}
	keys := make([]string, 0, len(sf.Spec.Services))
	for name, s := range sf.Spec.Services {
		ns := def
		if s != nil {
			ns = cmp.Or(s.Namespace, def)
		}
		keys = append(keys, ns+"/"+name)
	}
	return keys
}

// replace moves a file from old's services to cur's (either may be nil:
// a file created or deleted).
func (x *fileIndex) replace(old, cur *v1alpha1.ServiceFile) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if old != nil {
		n := types.NamespacedName{Namespace: old.Namespace, Name: old.Name}
		for _, k := range servicesOf(old) {
			rest := slices.DeleteFunc(x.files[k], func(f types.NamespacedName) bool { return f == n })
			if len(rest) == 0 {
				delete(x.files, k)
			} else {
				x.files[k] = rest
			}
		}
	}
	if cur != nil {
		n := types.NamespacedName{Namespace: cur.Namespace, Name: cur.Name}
		if x.files == nil {
			x.files = map[string][]types.NamespacedName{}
		}
		for _, k := range servicesOf(cur) {
			if !slices.Contains(x.files[k], n) {
				x.files[k] = append(x.files[k], n)
			}
		}
	}
}

// of is the files deploying service name in namespace.
func (x *fileIndex) of(namespace, name string) []types.NamespacedName {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return slices.Clone(x.files[namespace+"/"+name])
}

// keep registers x with the ServiceFile informer of c.
func (x *fileIndex) keep(ctx context.Context, c cache.Informers) error {
	inf, err := c.GetInformer(ctx, &v1alpha1.ServiceFile{})
	if err != nil {
		return fmt.Errorf("watching ServiceFiles: %w", err)
	}
	file := func(o any) *v1alpha1.ServiceFile {
		if t, ok := o.(toolscache.DeletedFinalStateUnknown); ok {
			o = t.Obj
		}
		sf, _ := o.(*v1alpha1.ServiceFile)
		return sf
	}
	_, err = inf.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc: func(o any) { x.replace(nil, file(o)) },
		UpdateFunc: func(old, cur any) {
			// A status write or a resync leaves the generation, and so the
			// services, as they were: most updates move nothing.
			if o, c := file(old), file(cur); o == nil || c == nil || o.Generation != c.Generation {
				x.replace(o, c)
			}
		},
		DeleteFunc: func(o any) { x.replace(file(o), nil) },
	})
	if err != nil {
		return fmt.Errorf("watching ServiceFiles: %w", err)
	}
	return nil
}
