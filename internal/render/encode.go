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
	chunks := min(runtime.GOMAXPROCS(0), len(objs)/parallelMin+1)
	bufs := make([]yamlWriter, chunks)
	errs := make([]error, chunks)
	var wg sync.WaitGroup
	for c := range chunks {
		lo, hi := c*len(objs)/chunks, (c+1)*len(objs)/chunks
		wg.Go(func() { errs[c] = bufs[c].writeObjects(objs[lo:hi], lo == 0) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for c := range bufs {
		if _, err := w.Write(bufs[c].buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// parallelMin is the number of objects below which encoding on more cores
// costs more than it saves.
const parallelMin = 200

// bytesPerObject is about what one rendered object takes as YAML; growing
// the buffer once up front saves copying it as it doubles.
const bytesPerObject = 2048

// writeObjects writes objs as YAML documents; first says whether the first
// one opens the stream (no "---" before it).
func (w *yamlWriter) writeObjects(objs []Object, first bool) error {
	w.buf.Grow(len(objs) * bytesPerObject)
	for i, obj := range objs {
		if i > 0 || !first {
			w.buf.WriteString("---\n")
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
