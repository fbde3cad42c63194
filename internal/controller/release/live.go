package release

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"ferry.dev/ferry/internal/deploy"
)

// errStale: the cache has not yet seen this controller's own last write
// of the object.
var errStale = errors.New("the cached copy is older than the last apply")

// cacheSource is deploy's view of live objects from the manager's
// informer cache: finding a file in place costs no request. Kinds the
// scheme does not know (HTTPRoute) are not cached: "cannot tell".
type cacheSource struct {
	reader  client.Reader
	scheme  *runtime.Scheme
	written *written
}

var _ deploy.LiveSource = cacheSource{}

// Live implements deploy.LiveSource.
func (s cacheSource) Live(ctx context.Context, ref deploy.Ref) (*unstructured.Unstructured, error) {
	gvk := ref.GVK()
	typed, err := s.scheme.New(gvk)
	if err != nil {
		return nil, err
	}
	obj, ok := typed.(client.Object)
	if !ok {
		return nil, fmt.Errorf("%s is not an object", gvk)
	}
	if err := s.reader.Get(ctx, client.ObjectKey{Namespace: ref.Namespace, Name: ref.Name}, obj); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, nil
		}
		return nil, err
	}
	if s.written.newer(ref, obj.GetResourceVersion()) {
		return nil, errStale
	}
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{Object: m}
	u.SetGroupVersionKind(gvk) // typed objects from an informer carry no kind
	return u, nil
}

// written remembers the resourceVersion each apply of this controller
// left an object at. Right after an apply the informer may still hold the
// object as it was before; a copy older than the write is not trusted, or
// a file changed back and forth faster than the watch would find the
// first version "in place" and never apply it.
type written struct {
	mu sync.Mutex
	rv map[string]uint64 // by deploy.Ref.String()
}

// note records an applied object's resourceVersion (deploy's observer).
func (w *written) note(e deploy.Event) {
	if e.Kind != deploy.EventApplied {
		return
	}
	v, err := strconv.ParseUint(e.ResourceVersion, 10, 64)
	if err != nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.rv == nil {
		w.rv = map[string]uint64{}
	}
	w.rv[e.Ref.String()] = max(w.rv[e.Ref.String()], v)
}

// newer reports whether this controller wrote ref at a version later than
// cached. Resource versions are compared as the numbers etcd makes them;
// one that is not a number is never trusted.
func (w *written) newer(ref deploy.Ref, cached string) bool {
	w.mu.Lock()
	last, ok := w.rv[ref.String()]
	w.mu.Unlock()
	if !ok {
		return false
	}
	v, err := strconv.ParseUint(cached, 10, 64)
	return err != nil || v < last
}
