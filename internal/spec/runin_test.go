package spec_test

import (
	"strings"
	"testing"

	"ferry.dev/ferry/internal/spec"
)

// TestRunIn: a file that says nothing runs locally; runIn: cluster is
// kept; anything else is refused at its position (the table in
// internal/cli's invalid files has the exact message).
func TestRunIn(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		want       spec.RunIn
		refused    bool
	}{
		{name: "default", line: "", want: spec.RunLocal},
		{name: "local", line: "runIn: local\n", want: spec.RunLocal},
		{name: "cluster", line: "runIn: cluster\n", want: spec.RunCluster},
		{name: "unknown", line: "runIn: Cluster\n", refused: true},
		{name: "empty", line: "runIn: \"\"\n", want: spec.RunLocal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := "apiVersion: ferry.dev/v1alpha1\nkind: Services\n" + tc.line + "services:\n  api:\n    image: a/b:1\n"
			f, err := spec.Load("ferry.yaml", []byte(data))
			if tc.refused {
				if err == nil || !strings.Contains(err.Error(), "ferry.yaml:3:8: runIn:") {
					t.Errorf("error %v, want the problem at 3:8", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.RunIn != tc.want {
				t.Errorf("RunIn = %q, want %q", f.RunIn, tc.want)
			}
		})
	}
}
