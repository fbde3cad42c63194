package render

import "strings"

// Byte tests for the names the API server checks with regular expressions
// (k8s.io/apimachinery/pkg/util/validation): render checks every label of
// every object, and the expressions were most of that time. Each test says
// true only for what validation accepts; check asks validation about the
// rest, for its verdict and its words. names_test.go holds them to it.

// isSubdomain is validation.IsDNS1123Subdomain without messages: at most
// 253 bytes of lower case labels joined by '.'.
func isSubdomain(s string) bool {
	if len(s) > 253 {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
				return false
			}
		}
	}
	return true
}

// isQualifiedName is validation.IsQualifiedName without messages: a name
// of at most 63 bytes, optionally after a subdomain prefix and '/'.
func isQualifiedName(s string) bool {
	prefix, name, ok := strings.Cut(s, "/")
	if !ok {
		name = s
	} else if prefix == "" || !isSubdomain(prefix) {
		return false
	}
	return name != "" && isLabelValue(name)
}

// isLabelValue is validation.IsValidLabelValue without messages: empty, or
// at most 63 bytes that start and end with a letter or digit, with '-',
// '_' and '.' between.
func isLabelValue(s string) bool {
	if s == "" {
		return true
	}
	if len(s) > 63 || !isAlnum(s[0]) || !isAlnum(s[len(s)-1]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !labelValueByte(s[i]) {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
