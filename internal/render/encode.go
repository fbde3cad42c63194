package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Unstructured returns obj as a plain map without the fields an object read
// back from Go types carries but nobody wrote: creationTimestamp: null and
// an empty status. That is the form ferry prints and applies.
func Unstructured(obj Object) (*unstructured.Unstructured, error) {
	data, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("encoding %s %s: %w", obj.GetObjectKind().GroupVersionKind().Kind, obj.GetName(), err)
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // keep numbers exactly as Go wrote them
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decoding %s %s: %w", obj.GetObjectKind().GroupVersionKind().Kind, obj.GetName(), err)
	}
	delete(m, "status")
	if spec, ok := m["spec"].(map[string]any); ok && len(spec) == 0 {
		delete(m, "spec")
	}
	unstructured.RemoveNestedField(m, "metadata", "creationTimestamp")
	unstructured.RemoveNestedField(m, "spec", "template", "metadata", "creationTimestamp")
	return &unstructured.Unstructured{Object: m}, nil
}

// WriteYAML writes objs as a multi-document YAML stream.
func WriteYAML(w io.Writer, objs []Object) error {
	// Objects are independent: large renders are encoded in contiguous
	// chunks on every core, then written in order.
	bufs := make([]yamlWriter, chunks(len(objs), parallelMin))
	errs := make([]error, len(bufs))
	inChunks(len(objs), len(bufs), func(c, lo, hi int) { errs[c] = bufs[c].writeObjects(objs[lo:hi], lo == 0) })
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for c := range bufs {
		if _, err := w.Write(bufs[c].buf); err != nil {
			return err
		}
	}
	return nil
}

// parallelMin is the number of objects below which encoding on more cores
// costs more than it saves.
const parallelMin = 200

// chunks is how many parts n independent items are worth splitting into:
// one per core, but a part for every least items at most.
func chunks(n, least int) int {
	return min(runtime.GOMAXPROCS(0), n/least+1)
}

// inChunks calls f for each of parts contiguous ranges [lo, hi) of n
// items, c numbering the part, all at once, and returns when all have.
func inChunks(n, parts int, f func(c, lo, hi int)) {
	if parts == 1 {
		f(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	for c := range parts {
		wg.Go(func() { f(c, c*n/parts, (c+1)*n/parts) })
	}
	wg.Wait()
}

// bytesPerObject is a little more than what one rendered object takes as
// YAML (860 bytes on average for the benchmark's services); growing the
// buffer once up front saves copying it as it doubles. Twice as much
// (2048) made zeroing the buffers a visible part of the profile.
const bytesPerObject = 1024

// writeObjects writes objs as YAML documents; first says whether the first
// one opens the stream (no "---" before it).
func (w *yamlWriter) writeObjects(objs []Object, first bool) error {
	// Made, not grown: growing clears the space it adds, 14% of the
	// writer's time for memory that is then written over; a new slice
	// from the heap is cleared only if it was used before.
	w.buf = make([]byte, 0, len(objs)*bytesPerObject)
	for i, obj := range objs {
		if i > 0 || !first {
			w.put("---\n")
		}
		if err := w.writeTyped(obj); err != nil {
			return fmt.Errorf("encoding %s %s as YAML: %w", obj.GetObjectKind().GroupVersionKind().Kind, obj.GetName(), err)
		}
	}
	return nil
}

// List returns objs as one v1 List, the form kubectl prints as JSON, each
// object in its Unstructured form.
func List(objs []Object) (map[string]any, error) {
	items := make([]map[string]any, len(objs))
	for i, obj := range objs {
		u, err := Unstructured(obj)
		if err != nil {
			return nil, err
		}
		items[i] = u.Object
	}
	return map[string]any{"apiVersion": "v1", "kind": "List", "items": items}, nil
}
