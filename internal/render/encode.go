package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

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
//
// Objects are independent, so they are encoded in batches on every core
// while the batches already done are written in order. Memory stays at a
// few batches whatever the size of the render (a buffer of the whole
// output was an eighth of render's time, in page faults on fresh memory),
// and the first objects reach w before the last are encoded.
func WriteYAML(w io.Writer, objs []Object) error {
	batches := (len(objs) + batchObjects - 1) / batchObjects
	workers := min(runtime.GOMAXPROCS(0), batches)
	// done[i] receives batch i encoded; slots bounds the batches encoded
	// but not yet written; quit stops the encoders when writing ends
	// early.
	done := make([]chan batch, batches)
	for i := range done {
		done[i] = make(chan batch, 1)
	}
	slots := make(chan *yamlWriter, 2*workers)
	for range cap(slots) {
		slots <- &yamlWriter{buf: make([]byte, 0, batchObjects*bytesPerObject)}
	}
	quit := make(chan struct{})
	defer close(quit)
	var next atomic.Int64
	for range workers {
		go func() {
			for {
				var yw *yamlWriter
				select {
				case yw = <-slots:
				case <-quit:
					return
				}
				i := int(next.Add(1)) - 1
				if i >= batches {
					return
				}
				lo, hi := i*batchObjects, min((i+1)*batchObjects, len(objs))
				yw.buf = yw.buf[:0]
				done[i] <- batch{yw, yw.writeObjects(objs[lo:hi], lo == 0)}
			}
		}()
	}
	for i := range batches {
		b := <-done[i]
		if b.err != nil {
			return b.err
		}
		if _, err := w.Write(b.yw.buf); err != nil {
			return err
		}
		slots <- b.yw
	}
	return nil
}

// batch is a batch of objects encoded, or why not.
type batch struct {
	yw  *yamlWriter
	err error
}

// batchObjects is how many objects are encoded at a time: about 100 KB
// of YAML, small enough to keep the pipeline's memory low, large enough
// that handing batches over costs nothing worth measuring.
const batchObjects = 128

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
