package deploy

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"reflect"
	"strconv"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// FieldsAnnotation marks a projection of a live object (a controller's
// informer cache keeps these instead of whole objects): its value is the
// digest of the fields ferry's last apply owns there, with their live
// values (LiveFields). It is never written to the cluster.
const FieldsAnnotation = "ferry.dev/fields"

// LiveFields is the digest of what live (an object as the API server
// returns it, managedFields included) holds at the fields FieldManager's
// apply owns. Server-side apply keeps that field set exact: a field
// another manager changes, removes or takes over leaves it, or its value
// changes. So when the digest equals desiredFields of the configuration
// last applied, every field ferry set is still there with ferry's value
// (InPlace), and the projection needs nothing else of the object. "" when
// ferry's apply owns nothing there (or its entry cannot be read): never
// in place.
func LiveFields(live map[string]any, managed []metav1.ManagedFieldsEntry) string {
	for _, m := range managed {
		if m.Manager != FieldManager || m.Operation != metav1.ManagedFieldsOperationApply || m.Subresource != "" || m.FieldsV1 == nil {
			continue
		}
		var set map[string]any
		if err := json.Unmarshal(m.FieldsV1.GetRawBytes(), &set); err != nil {
			return ""
		}
		return digestOf(extract(live, set))
	}
	return ""
}

// desiredFields is the digest of desired as the API server records its
// apply: without the identity fields it never lists in a field set.
func desiredFields(desired map[string]any) string {
	top := maps.Clone(desired)
	delete(top, "apiVersion")
	delete(top, "kind")
	delete(top, "status")
	if meta, ok := top["metadata"].(map[string]any); ok {
		meta = maps.Clone(meta)
		for _, k := range []string{"name", "namespace", "creationTimestamp", "uid", "resourceVersion", "generation", "managedFields"} {
			delete(meta, k)
		}
		top["metadata"] = meta
		if len(meta) == 0 {
			delete(top, "metadata")
		}
	}
	return digestOf(top)
}

func digestOf(v any) string {
	raw, err := json.Marshal(v) // map keys sorted: one encoding per value
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:16])
}

// extract is v restricted to set, a field set in the API server's
// FieldsV1 form: "f:name" a field of a map, "k:{...}" an element of a
// list by its keys, "v:..." an element by value, "i:N" by index, "." the
// map or element itself. A set with no members below it is a leaf (a
// scalar, or an atomic list or map): taken whole. List elements keep the
// live order.
func extract(v any, set map[string]any) any {
	if !hasMembers(set) {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, sub := range set {
			name, ok := strings.CutPrefix(k, "f:")
			if !ok {
				continue
			}
			if fv, ok := x[name]; ok {
				out[name] = extract(fv, asSet(sub))
			}
		}
		return out
	case []any:
		type member struct {
			match func(i int, el any) bool
			set   map[string]any
		}
		var members []member
		for k, sub := range set {
			if m := elementMatcher(k); m != nil {
				members = append(members, member{m, asSet(sub)})
			}
		}
		out := []any{}
		for i, el := range x {
			for _, m := range members {
				if m.match(i, el) {
					out = append(out, extract(el, m.set))
					break
				}
			}
		}
		return out
	}
	return v // structure where the live value has none: it differs
}

func hasMembers(set map[string]any) bool {
	for k := range set {
		if k != "." {
			return true
		}
	}
	return false
}

func asSet(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// elementMatcher is how a list member of a field set ("k:", "v:", "i:")
// finds its element; nil for anything else.
func elementMatcher(k string) func(int, any) bool {
	switch {
	case strings.HasPrefix(k, "k:"):
		var keys map[string]any
		if json.Unmarshal([]byte(k[2:]), &keys) != nil {
			return nil
		}
		return func(_ int, el any) bool {
			m, ok := el.(map[string]any)
			if !ok {
				return false
			}
			for f, want := range keys {
				if got, ok := m[f]; !ok || !sameJSON(got, want) {
					return false
				}
			}
			return true
		}
	case strings.HasPrefix(k, "v:"):
		var want any
		if json.Unmarshal([]byte(k[2:]), &want) != nil {
			return nil
		}
		return func(_ int, el any) bool { return sameJSON(el, want) }
	case strings.HasPrefix(k, "i:"):
		n, err := strconv.Atoi(k[2:])
		if err != nil {
			return nil
		}
		return func(i int, _ any) bool { return i == n }
	}
	return nil
}

// sameJSON compares values as JSON: a live int64 equals a decoded
// float64 of the same number.
func sameJSON(a, b any) bool {
	if reflect.DeepEqual(a, b) {
		return true
	}
	ra, err1 := json.Marshal(a)
	rb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ra) == string(rb)
}
