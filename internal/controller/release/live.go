package release

import (
	"context"
	"errors"
	"strconv"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"ferry.dev/ferry/internal/deploy"
)

// errStale: the cache has not yet seen this controller's own last write
// of the object.
var errStale = errors.New("the cached copy is older than the last apply")

// cacheSource is deploy's view of live objects from the controller's
// projections: finding a file in place costs no request. Kinds not kept
// (HTTPRoute) are "cannot tell".
type cacheSource struct {
	objects *projections
	written *written
}

var _ deploy.LiveSource = cacheSource{}

// delivered tells the record of writes that the watch delivered p: a
// write it now holds is forgotten at once rather than at the next read.
func (s cacheSource) delivered(p *projection) { s.written.behind(p.ref(), p.resourceVersion) }

// Live implements deploy.LiveSource.
func (s cacheSource) Live(_ context.Context, ref deploy.Ref) (*unstructured.Unstructured, error) {
	p, err := s.objects.get(ref)
	if err != nil || p == nil {
		return nil, err
	}
	if s.written.behind(ref, p.resourceVersion) {
		return nil, errStale
	}
	return p.live(), nil
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

// note records an applied object's resourceVersion and forgets a pruned
// one (deploy's observer).
func (w *written) note(e deploy.Event) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch e.Kind {
	case deploy.EventPruned:
		delete(w.rv, e.Ref.String())
	case deploy.EventApplied:
		v, err := strconv.ParseUint(e.ResourceVersion, 10, 64)
		if err != nil {
			return
		}
		if w.rv == nil {
			w.rv = map[string]uint64{}
		}
		key := e.Ref.String()
		w.rv[key] = max(w.rv[key], v)
	}
}

// behind reports whether a cached copy of ref at version cached is older
// than this controller's last write of it. Resource versions are compared
// as the numbers etcd makes them; one that is not a number is never
// trusted. Once the cache holds the write or a later version the record
// goes: an object's versions only grow, so the cache cannot fall behind
// that write again, and a record is kept only while it protects something
// (kept for good, 15,000 of them were 3 MB of the controller's heap at
// 1000 files).
func (w *written) behind(ref deploy.Ref, cached string) bool {
	v, err := strconv.ParseUint(cached, 10, 64)
	w.mu.Lock()
	defer w.mu.Unlock()
	key := ref.String()
	last, ok := w.rv[key]
	switch {
	case !ok:
		return false
	case err != nil || v < last:
		return true
	}
	delete(w.rv, key)
	return false
}
