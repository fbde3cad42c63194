package render

import (
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"ferry.dev/ferry/internal/spec"
)

// Labels and annotations ferry sets.
const (
	NameLabel      = "app.kubernetes.io/name"
	InstanceLabel  = "app.kubernetes.io/instance"
	VersionLabel   = "app.kubernetes.io/version"
	ManagedByLabel = "app.kubernetes.io/managed-by"
	// ServiceLabel marks every object ferry renders for a service: it is
	// how ferry recognises what it owns.
	ServiceLabel = "ferry.dev/service"
	ManagedBy    = "ferry"
)

// selector is the immutable part of the labels: what a Deployment selects.
func selector(s spec.Service) map[string]string {
	return map[string]string{NameLabel: s.Name, InstanceLabel: s.Name}
}

func labels(s spec.Service) map[string]string {
	l := selector(s)
	l[ManagedByLabel] = ManagedBy
	l[ServiceLabel] = s.Name
	if v := imageVersion(s.Image); v != "" {
		l[VersionLabel] = v
	}
	return l
}

func objectMeta(s spec.Service) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: s.Name, Namespace: s.Namespace, Labels: labels(s)}
}

// imageVersion is the image's tag, or a short digest, as a label value;
// "" when the tag cannot be one (a label value is at most 63 characters,
// starting and ending with a letter or digit).
func imageVersion(image string) string {
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
	// Short enough and trimmed to letters and digits at both ends, tag is
	// a label value when every byte is one a label value may hold (what
	// validation.IsValidLabelValue's expression says, without running it
	// for every object).
	for i := 0; i < len(tag); i++ {
		if !labelValueByte(tag[i]) {
			return ""
		}
	}
	return tag
}

// labelValueByte reports whether c may stand inside a label value.
func labelValueByte(c byte) bool { return isAlnum(c) || c == '-' || c == '_' || c == '.' }
