package spec_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"ferry.dev/ferry/internal/render"
	"ferry.dev/ferry/internal/spec"
)

// FuzzLoad: whatever bytes come in, Load never panics and returns either a
// ProblemList whose every problem points into the file, or a file that
// renders. Seeds: testdata/fuzz/FuzzLoad (checked in) plus every example and
// invalid file of the repository. Run: go test ./internal/spec -fuzz FuzzLoad
func FuzzLoad(f *testing.F) {
	for _, pattern := range []string{"example.yaml", "../render/testdata/*.yaml", "../cli/testdata/invalid/*.yaml"} {
		paths, _ := filepath.Glob(pattern)
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := spec.Load("fuzz.yaml", data)
		if err != nil {
			var problems spec.ProblemList
			if !errors.As(err, &problems) || len(problems) == 0 {
				t.Fatalf("error is not a non-empty ProblemList: %T %v", err, err)
			}
			for _, p := range problems {
				if p.Pos.Line < 1 || p.Pos.Col < 1 || p.Message == "" {
					t.Fatalf("problem without a position or message: %+v", p)
				}
			}
			return
		}
		// Render checks every name, label and annotation the way the API
		// server does: a file the loader accepts must render cleanly.
		if _, err := render.Render(file, render.Options{}); err != nil {
			t.Fatalf("a file the loader accepted renders objects the API server would reject:\n%v\n%s", err, data)
		}
	})
}
