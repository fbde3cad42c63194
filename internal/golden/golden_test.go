package golden

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that records its first failure instead of
// failing (Fatalf does not stop Check, so only the first one counts).
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(string, ...any) { r.fail("Errorf") }

func (r *recorder) Fatalf(string, ...any) { r.fail("Fatalf") }

func (r *recorder) fail(how string) {
	if r.failed == "" {
		r.failed = how
	}
}

func TestCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.golden")
	if err := os.WriteFile(path, []byte("a\nb\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		path   string
		got    string
		update bool
		want   string // how the check fails, "" for passing
	}{
		{name: "same", path: path, got: "a\nb\n"},
		{name: "different", path: path, got: "a\nc\n", want: "Errorf"},
		{name: "missing file", path: path + ".missing", got: "x", want: "Fatalf"},
		{name: "update writes", path: path, got: "new\n", update: true},
		{name: "update creates the directory", path: filepath.Join(filepath.Dir(path), "new-case", "out.golden"), got: "x", update: true},
		{name: "then it matches", path: path, got: "new\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			*update = tt.update
			defer func() { *update = false }()
			r := &recorder{TB: t}
			Check(r, tt.path, tt.got)
			if r.failed != tt.want {
				t.Errorf("Check failed with %q, want %q", r.failed, tt.want)
			}
		})
	}
	if data, _ := os.ReadFile(path); !strings.HasPrefix(string(data), "new") {
		t.Errorf("-update left %q in the file", data)
	}
}
