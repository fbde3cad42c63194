package render

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/golden"
	"ferry.dev/ferry/internal/spec"
)

// TestGolden renders every testdata/*.yaml and compares the YAML with
// testdata/*.golden. Run "go test ./internal/render -update" after an
// intended change and review the diff.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) == 0 {
		t.Fatal("no golden inputs in testdata/")
	}
	for _, in := range inputs {
		t.Run(strings.TrimSuffix(filepath.Base(in), ".yaml"), func(t *testing.T) {
			golden.Check(t, strings.TrimSuffix(in, ".yaml")+".golden", string(renderFile(t, in)))
		})
	}
}

func renderFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := spec.Load(path, data)
	if err != nil {
		t.Fatalf("loading:\n%v", err)
	}
	var buf bytes.Buffer
	if err := WriteYAML(&buf, f, Options{}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDeterministic: the same file renders to the same bytes every time,
// whatever Go's map iteration order does.
func TestDeterministic(t *testing.T) {
	first := renderFile(t, "testdata/every-field.yaml")
	for range 20 {
		if got := renderFile(t, "testdata/every-field.yaml"); !bytes.Equal(first, got) {
			t.Fatal("two renders of the same file differ")
		}
	}
}

func TestRenderOneService(t *testing.T) {
	f, err := spec.Load("example.yaml", spec.Example())
	if err != nil {
		t.Fatal(err)
	}
	objs, err := Render(f, Options{Service: "mailer"})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, o := range objs {
		kinds = append(kinds, o.GetObjectKind().GroupVersionKind().Kind+"/"+o.GetName())
	}
	want := []string{"Namespace/shop", "ServiceAccount/mailer", "Deployment/mailer"}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
	if _, err := Render(f, Options{Service: "nope"}); err == nil || !strings.Contains(err.Error(), "(services: ") {
		t.Errorf("an unknown service must be an error naming the services, got %v", err)
	}
	many := &ErrUnknownService{Name: "nope"}
	for i := range 1000 {
		many.Known = append(many.Known, fmt.Sprintf("svc-%d", i))
	}
	if msg := many.Error(); !strings.HasSuffix(msg, "svc-9, …; 1000 in all)") {
		t.Errorf("with 1000 services the error names ten and counts the rest: %s", msg)
	}
}
