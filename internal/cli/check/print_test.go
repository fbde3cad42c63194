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
