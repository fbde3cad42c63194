package plainyaml

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// services is the services block of a service file in the shapes ferry
// files use.
const services = `  api:   # the API
    image: "registry.example.com/shop/api:1.4.2"
    command: [/app/api]
    args: [--listen, ":8080", 'x y']
    port: 8080
    domains: [api.example.com, api.example.org]
    tls: true
    readiness: {path: /ready, period: 10s, timeout: 3s}
    replicas: 6
    cpu: 500m
    memory: 512Mi
    limits: {cpu: "1", memory: 1Gi}
    env:
      LOG_LEVEL: info
      PORT: 8080
      EMPTY: ""
    secrets: [api-env]

# between services
  worker:
    image: busybox:1.37
    args:
    - --queue
    - "jobs"
    gates: {interval: 2s, paths: [/healthz, /]}
    labels:
      app.kubernetes.io/part-of: shop
    steps:
      - 1
      - 10.5
      - name: x
        value: y
    note: a#b c
`

// yamlV3 parses data as yaml.v3 does, into the root of its document.
func yamlV3(data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("empty document")
	}
	return doc.Content[0], nil
}

// diff describes where a and b differ, or is "".
func diff(a, b *yaml.Node, path string) string {
	switch {
	case a.Kind != b.Kind, a.Tag != b.Tag, a.Value != b.Value, a.Style != b.Style, a.Line != b.Line, a.Column != b.Column:
		return fmt.Sprintf("%s: got %v %s %q style %v at %d:%d, yaml.v3 %v %s %q style %v at %d:%d", path,
			a.Kind, a.Tag, a.Value, a.Style, a.Line, a.Column, b.Kind, b.Tag, b.Value, b.Style, b.Line, b.Column)
	case len(a.Content) != len(b.Content):
		return fmt.Sprintf("%s: %d children, yaml.v3 %d", path, len(a.Content), len(b.Content))
	}
	for i := range a.Content {
		if d := diff(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", path, i)); d != "" {
			return d
		}
	}
	return ""
}

// firstIndent is the indentation of data's first line with content.
func firstIndent(data []byte) int {
	for _, line := range strings.Split(string(data), "\n") {
		body := strings.TrimLeft(line, " ")
		if body != "" && body[0] != '#' {
			return len(line) - len(body)
		}
	}
	return 0
}

// same checks that Parse, when it takes data, gives yaml.v3's tree.
func same(t *testing.T, data []byte) bool {
	t.Helper()
	n, ok := Parse(data, firstIndent(data), 0)
	if !ok {
		return false
	}
	want, err := yamlV3(data)
	if err != nil {
		t.Fatalf("Parse took what yaml.v3 rejects (%v):\n%s", err, data)
	}
	if d := diff(n, want, ""); d != "" {
		t.Fatalf("Parse's tree differs from yaml.v3's: %s\n%s", d, data)
	}
	return true
}

func TestParseIsYAMLv3(t *testing.T) {
	if !same(t, []byte(services)) {
		t.Fatal("Parse did not take the services block")
	}
	// Lines numbered from an offset, as the loader parses part of a file.
	n, ok := Parse([]byte(services), 2, 40)
	if !ok || n.Line != 41 || n.Content[1].Content[1].Line != 42 {
		t.Fatalf("an offset of 40 lines: ok %v, first key on line %d", ok, n.Line)
	}
	// The repository's service files, top to bottom.
	paths, _ := filepath.Glob("../../render/testdata/*.yaml")
	paths = append(paths, "../example.yaml")
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: taken %v", p, same(t, data))
	}
}

func TestParseLeavesTheRestToYAMLv3(t *testing.T) {
	for name, data := range map[string]string{
		"an anchor":              "a:\n  b: &x 1\n  c: *x\n",
		"a tag":                  "a: !!str 1\n",
		"a block scalar":         "a: |\n  text\n",
		"an escape":              "a: \"x\\ty\"\n",
		"a multi-line plain":     "a: one\n  two\n",
		"a duplicate key":        "a: 1\na: 2\n",
		"a null value":           "a:\nb: 1\n",
		"a tab":                  "a:\n\tb: 1\n",
		"a value after ': '":     "a: b: c\n",
		"a flow on two lines":    "a: [1,\n  2]\n",
		"a non-ASCII value":      "a: \"é\"\n",
		"a key that is a number": "1: a\n",
		"a trailing comma":       "a: [1, 2, ]\n",
		"bad indentation":        "a:\n    b: 1\n  c: 2\n",
	} {
		if _, ok := Parse([]byte(data), firstIndent([]byte(data)), 0); ok {
			t.Errorf("%s: Parse took it:\n%s", name, data)
		}
	}
}

// FuzzParse: whatever Parse takes, yaml.v3 reads as the same tree.
// Run: go test ./internal/spec/plainyaml -fuzz FuzzParse
func FuzzParse(f *testing.F) {
	f.Add([]byte(services))
	for _, s := range []string{"a: 1\n", "a: [x, 'y', \"z\"]\n", "a:\n- b: 1\n  c: [2]\n- 3\n", "a: {b: {c: d}}\nz: ~\n", "k: -1\nl: .5\nm: 0x1F\nn: true\no: null\np: 1e3\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.Contains(data, []byte{0}) {
			return
		}
		same(t, data)
	})
}
