package render

import (
	"math/rand/v2"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"
)

// TestNamesMatchValidation holds the byte tests to the API machinery's
// checks on hand-made cases and random strings of the characters that
// matter, short and near the length limits.
func TestNamesMatchValidation(t *testing.T) {
	cases := []string{"", "a", "A", "-", "a-", "-a", "a.b", "a..b", ".a", "a/b", "/a", "a/", "a/b/c", "A/b",
		"ex.com/name", "ex.com/Name_1.x", "app.kubernetes.io/name", "é", strings.Repeat("a", 63), strings.Repeat("a", 64),
		strings.Repeat("a.", 126) + "a", strings.Repeat("a.", 127) + "a", strings.Repeat("a", 253) + "/a"}
	r := rand.New(rand.NewPCG(5, 6))
	alphabet := []rune("aZ0-_./é")
	for range 200_000 {
		var b strings.Builder
		n := r.IntN(12)
		if r.IntN(10) == 0 {
			n = 55 + r.IntN(210)
		}
		for range n {
			b.WriteRune(alphabet[r.IntN(len(alphabet))])
		}
		cases = append(cases, b.String())
	}
	for _, s := range cases {
		for _, c := range []struct {
			name string
			got  bool
			errs []string
		}{
			{"isSubdomain", isSubdomain(s), validation.IsDNS1123Subdomain(s)},
			{"isQualifiedName", isQualifiedName(s), validation.IsQualifiedName(s)},
			{"isLabelValue", isLabelValue(s), validation.IsValidLabelValue(s)},
		} {
			if c.got != (len(c.errs) == 0) {
				t.Fatalf("%s(%q) = %v; validation says %q", c.name, s, c.got, c.errs)
			}
		}
	}
}
