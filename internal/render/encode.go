package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"ferry.dev/ferry/internal/spec"
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

// WriteYAML renders f as Render does and writes the objects to w as a
// multi-document YAML stream, the same bytes as Render's objects written
// one after another. Nothing is written unless every object passes the
// checks Render makes.
//
// Services are independent, so batches of them are rendered, checked and
// encoded on every core, each batch at once: an object is encoded while
// it is still in the cache of the core that built it, which took a third
// off the time of rendering everything and then encoding everything, and
// no object outlives its batch.
func WriteYAML(w io.Writer, f *spec.File, opts Options) error {
	svcs, err := selected(f, opts)
	if err != nil {
		return err
	}
	// Batch 0 is the namespaces, the others batchServices services each.
	batches := make([]yamlBatch, 1+(len(svcs)+batchServices-1)/batchServices)
	build := func(i int) []Object {
		if i == 0 {
			return namespaceObjects(svcs)
		}
		lo := (i - 1) * batchServices
		objs := make([]Object, 0, batchServices*objectsPerService)
		for _, s := range svcs[lo:min(lo+batchServices, len(svcs))] {
			objs = append(objs, Service(s)...)
		}
		return objs
	}
	// Each core takes the next batch when done with one, rather than a
	// fixed half as inChunks gives: on a shared machine one core is often
	// slower, and fixed halves were 15% slower here (medians of 6 runs).
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(batches)) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(batches); i = int(next.Add(1)) - 1 {
				batches[i].make(build(i), i == 0)
			}
		})
	}
	wg.Wait()
	var problems []error
	for _, b := range batches {
		problems = append(problems, b.problems...)
	}
	if len(problems) > 0 {
		return rejected(errors.Join(problems...))
	}
	for _, b := range batches {
		if b.err != nil {
			return b.err
		}
	}
	for _, b := range batches {
		if _, err := w.Write(b.buf); err != nil {
			return err
		}
	}
	return nil
}

// yamlBatch is a batch of objects checked and encoded.
type yamlBatch struct {
	yamlWriter
	problems []error // what the API server would reject
	err      error   // why an object could not be encoded
}

// make checks and encodes objs; first says whether they open the stream.
func (b *yamlBatch) make(objs []Object, first bool) {
	for _, obj := range objs {
		b.problems = checkObject(b.problems, obj)
	}
	b.buf = make([]byte, 0, len(objs)*bytesPerObject)
	b.err = b.writeObjects(objs, first)
}

// batchServices is how many services a batch holds: about 100 KB of
// YAML, little enough to stay in a core's cache while it is encoded.
const batchServices = 25

// parallelMin is the number of objects below which working on more cores
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
// YAML (860 bytes on average for the benchmark's services): a batch's
// buffer seldom grows.
const bytesPerObject = 1024

// writeObjects appends objs to w as YAML documents; first says whether
// the first one opens the stream (no "---" before it).
func (w *yamlWriter) writeObjects(objs []Object, first bool) error {
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
