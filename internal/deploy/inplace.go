package deploy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"ferry.dev/ferry/internal/render"
)

// AppliedAnnotation holds a digest of the configuration ferry last applied
// to an object, so a deploy that changes nothing need not send it again.
const AppliedAnnotation = "ferry.dev/applied"

// stamp sets AppliedAnnotation on u to the digest of u without it.
func stamp(u *unstructured.Unstructured) error {
	raw, err := json.Marshal(u.Object)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", RefOf(u), err)
	}
	sum := sha256.Sum256(raw)
	ann := u.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	ann[AppliedAnnotation] = hex.EncodeToString(sum[:12])
	u.SetAnnotations(ann)
	return nil
}

// InPlace reports whether applying desired to live would change nothing:
// ferry last applied this very configuration (the digests match, so no
// field was dropped from it since) and every field it sets still has its
// value (nobody edited one since). When unsure it says no, and the object
// is applied as usual. live may be a projection (FieldsAnnotation): then
// the digests of ferry's fields are compared instead of the fields.
func InPlace(desired, live *unstructured.Unstructured) bool {
	if live == nil || desired.GetAnnotations()[AppliedAnnotation] != live.GetAnnotations()[AppliedAnnotation] {
		return false
	}
	if fields, ok := live.GetAnnotations()[FieldsAnnotation]; ok {
		return fields != "" && fields == desiredFields(desired.Object)
	}
	want, err1 := normalize(desired.Object)
	got, err2 := normalize(live.Object)
	return err1 == nil && err2 == nil && subset(want, got)
}

// normalize gives both sides the same Go types (numbers as float64).
func normalize(obj map[string]any) (any, error) {
	raw, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	var out any
	return out, json.Unmarshal(raw, &out)
}

// subset reports whether every field of want is in got with the same value;
// lists must match element by element.
func subset(want, got any) bool {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return false
		}
		for k, v := range w {
			gv, ok := g[k]
			if !ok || !subset(v, gv) {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !subset(w[i], g[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(want, got)
}

// liveObjects lists, with one request per kind and namespace, all at once,
// the objects carrying ferry's label, keyed like Ref.key: only those of
// objs' services (by their service label), so a deploy reads its own and
// not every release's of a shared namespace. A kind that cannot be listed
// is left out: its objects are simply applied.
func (d *Deployer) liveObjects(ctx context.Context, objs []object) map[string]*unstructured.Unstructured {
	type scope struct {
		gvr schema.GroupVersionResource
		ns  string
	}
	var scopes []scope
	services := map[scope][]string{} // nil: an object without a service label; list all of ferry's
	for _, o := range objs {
		s := scope{o.resource, o.ref.Namespace}
		svc, seen := o.obj.GetLabels()[render.ServiceLabel], slices.Contains(scopes, s)
		switch {
		case !seen:
			scopes = append(scopes, s)
			services[s] = nil
			if svc != "" {
				services[s] = []string{svc}
			}
		case svc == "":
			services[s] = nil
		case services[s] != nil && !slices.Contains(services[s], svc):
			services[s] = append(services[s], svc)
		}
	}
	lists := make([]*unstructured.UnstructuredList, len(scopes))
	var wg sync.WaitGroup
	for i, s := range scopes {
		sel := metav1.ListOptions{LabelSelector: render.ManagedByLabel + "=" + render.ManagedBy}
		if svcs := services[s]; svcs != nil {
			sel.LabelSelector += "," + render.ServiceLabel + " in (" + strings.Join(svcs, ",") + ")"
		}
		wg.Go(func() {
			_ = retry(ctx, d.backoff, d.retryNote, func(ctx context.Context) error {
				var err error
				lists[i], err = d.client.Dynamic.Resource(s.gvr).Namespace(s.ns).List(ctx, sel)
				return err
			})
		})
	}
	wg.Wait()
	live := map[string]*unstructured.Unstructured{}
	for _, list := range lists {
		if list == nil {
			continue
		}
		for i := range list.Items {
			u := &list.Items[i]
			live[RefOf(u).key()] = u
		}
	}
	return live
}
