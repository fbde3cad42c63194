package check

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/ha"
)

// TestPrinterColours: on a terminal the verdicts are coloured, and every
// cell of the SURVIVES column carries the same escape length, so the
// columns still line up.
func TestPrinterColours(t *testing.T) {
	var buf bytes.Buffer
	p := printer{w: &buf, color: true}
	p.scenarios([]ha.Scenario{
		{Failure: "any one instance", Survives: true, Why: "fine"},
		{Failure: "zone a", Survives: false, Why: "quorum lost"},
	})
	want := []string{
		"\x1b[1mSCENARIO\x1b[0m          \x1b[1mSURVIVES\x1b[0m  \x1b[1mWHY\x1b[0m",
		"any one instance  \x1b[32myes\x1b[0m       fine",
		"zone a            \x1b[31mNO\x1b[0m        quorum lost",
		"",
		"",
	}
	if diff := cmp.Diff(want, strings.Split(buf.String(), "\n")); diff != "" {
		t.Errorf("coloured table (-want +got):\n%s", diff)
	}
}

// TestPrinterUnidentifiedControlPlane: a control plane whose nodes cannot
// be identified says so instead of counting zero API servers.
func TestPrinterUnidentifiedControlPlane(t *testing.T) {
	var buf bytes.Buffer
	p := printer{w: &buf}
	p.controlPlane(ha.ControlPlane{Unidentified: true, WorkersPerZone: map[string]int{"a": 1, "b": 1}})
	want := "CONTROL PLANE\n" +
		"  etcd         not visible (no etcd member pods): quorum not judged\n" +
		"  API servers  not identifiable (no node labelled control-plane)\n" +
		"  workers      2 up  a: 1 · b: 1\n\n"
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("control plane (-want +got):\n%s", diff)
	}
}
