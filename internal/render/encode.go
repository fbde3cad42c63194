package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

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
	var y yamlWriter
	for i, obj := range objs {
		if i > 0 {
			y.buf.WriteString("---\n")
		}
		if err := y.writeTyped(obj); err != nil {
			return fmt.Errorf("encoding %s %s as YAML: %w", obj.GetObjectKind().GroupVersionKind().Kind, obj.GetName(), err)
		}
	}
	_, err := w.Write(y.buf.Bytes())
	return err
}

// WriteJSON writes objs as one indented v1 List, the form kubectl prints.
func WriteJSON(w io.Writer, objs []Object) error {
	items := make([]map[string]any, len(objs))
	for i, obj := range objs {
		u, err := Unstructured(obj)
		if err != nil {
			return err
		}
		items[i] = u.Object
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{"apiVersion": "v1", "kind": "List", "items": items})
}
