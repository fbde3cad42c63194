package render

import (
	"math/rand/v2"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"
)

// imageVersionByValidation is imageVersion as first written, with the API
// machinery's label value check: the definition the byte test must match.
func imageVersionByValidation(image string) string {
	if _, digest, ok := strings.Cut(image, "@"); ok {
		_, hex, _ := strings.Cut(digest, ":")
		return hex[:min(12, len(hex))]
	}
	slash := strings.LastIndexByte(image, '/')
	i := strings.LastIndexByte(image, ':')
	if i <= slash {
		return ""
	}
	tag := image[i+1:]
	alnum := func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' }
	tag = strings.TrimFunc(tag[:min(63, len(tag))], func(r rune) bool { return !alnum(r) })
	if len(validation.IsValidLabelValue(tag)) > 0 {
		return ""
	}
	return tag
}

func TestImageVersionMatchesValidation(t *testing.T) {
	images := []string{"a:1.0", "r.io:5000/a", "a:_v1_", "a:" + strings.Repeat("x", 70), "a:1.0+b", "a:é1", "a:1é", "a@sha256:abc"}
	const alphabet = "a0Z-_.+:/@é"
	r := rand.New(rand.NewPCG(3, 4))
	for range 100_000 {
		var b strings.Builder
		for range r.IntN(20) {
			b.WriteString(string([]rune(alphabet)[r.IntN(len([]rune(alphabet)))]))
		}
		images = append(images, b.String())
	}
	for _, img := range images {
		if got, want := imageVersion(img), imageVersionByValidation(img); got != want {
			t.Fatalf("imageVersion(%q) = %q, want %q", img, got, want)
		}
	}
}
