package render

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"ferry.dev/ferry/internal/spec"
)

// TestYAMLReadsBack: what WriteYAML prints, a real YAML parser reads back
// as exactly the objects rendered.
func TestYAMLReadsBack(t *testing.T) {
	for _, path := range []string{"testdata/every-field.yaml", "testdata/gateway-httproute.yaml", "testdata/worker-no-port.yaml"} {
		data := renderFile(t, path)
		f, err := spec.LoadFile(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		objs, _ := Render(f, Options{})
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for i, obj := range objs {
			var got map[string]any
			if err := dec.Decode(&got); err != nil {
				t.Fatalf("%s: document %d: %v", path, i, err)
			}
			u, err := Unstructured(obj)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(viaJSON(t, u.Object), viaJSON(t, got)); diff != "" {
				t.Errorf("%s: document %d reads back differently (-want +got):\n%s", path, i, diff)
			}
		}
	}
}

// viaJSON normalises numbers and map types for comparison.
func viaJSON(t *testing.T, v any) any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// FuzzYAMLScalar: any string, written by the YAML writer, reads back as
// the same string (go test ./internal/render -fuzz FuzzYAMLScalar).
func FuzzYAMLScalar(f *testing.F) {
	for _, s := range []string{"", "1.4.2", "8080", "yes", "on", "25%", ":8080", "a: b", "x #y", "-", "--listen", "1:30", "2026-01-01", "0x1F", "1e3", "a,b", "@x", "~", "null", "é", "\t", "line\nbreak", "registry.example.com/a:1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // Kubernetes objects are JSON: their strings are valid UTF-8
		}
		var w yamlWriter
		if err := w.writeTyped(scalarHolder{K: s, L: []string{s}}); err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := yaml.Unmarshal(w.buf, &got); err != nil {
			t.Fatalf("%q: not YAML: %v\n%s", s, err, string(w.buf))
		}
		if got["k"] != s {
			t.Fatalf("%q read back as %#v\n%s", s, got["k"], string(w.buf))
		}
	})
}

type scalarHolder struct {
	K string   `json:"k"`
	L []string `json:"l"`
}

// TestWriteYAMLIsRenderWritten: WriteYAML, which renders and encodes in
// batches on every core, gives the bytes of Render's objects encoded one
// after another, for a render of many batches and for one service.
func TestWriteYAMLIsRenderWritten(t *testing.T) {
	f, err := spec.Load("bench.yaml", []byte(benchFile(7*batchServices+3)))
	if err != nil {
		t.Fatal(err)
	}
	for _, opts := range []Options{{}, {Service: "svc-30"}} {
		objs, err := Render(f, opts)
		if err != nil {
			t.Fatal(err)
		}
		var one yamlWriter
		if err := one.writeObjects(objs, true); err != nil {
			t.Fatal(err)
		}
		var batched bytes.Buffer
		if err := WriteYAML(&batched, f, opts); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(batched.Bytes(), one.buf) {
			t.Fatalf("%+v: WriteYAML's bytes differ from Render's objects written in order", opts)
		}
	}
	var none bytes.Buffer
	if err := WriteYAML(&none, f, Options{Service: "nope"}); err == nil || none.Len() > 0 {
		t.Fatalf("an unknown service: err %v, %d bytes written", err, none.Len())
	}
}
