package spec

import (
	"strings"

	"ferry.dev/ferry/internal/dns"
)

// The name grammars the file's values must follow, checked byte by byte:
// as regular expressions they were a third of loading's time (the image
// reference above all) and compiled at every start of the binary, whatever
// the command. grammar_test.go holds the expressions they replace and
// checks both agree on random input.

// isLabel reports whether s is lower case letters, digits and '-', not
// starting or ending with '-': a DNS-1123 label, or with letterFirst a
// DNS-1035 label (which also does not start with a digit). Length is the
// caller's check.
func isLabel(s string, letterFirst bool) bool {
	return dashed(s, isLowerAlnum) && (!letterFirst || !isDigit(s[0]))
}

// dashed reports whether s is bytes that are ok and '-', not starting or
// ending with '-'.
func dashed(s string, ok func(byte) bool) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) && s[i] != '-' {
			return false
		}
	}
	return true
}

// isEnvName reports whether s is a variable name: letters, digits and
// '_', not starting with a digit.
func isEnvName(s string) bool {
	if s == "" || isDigit(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isWord(s[i]) {
			return false
		}
	}
	return true
}

// isHostedZoneID reports whether s looks like a Route 53 hosted zone id,
// optionally after "/hostedzone/".
func isHostedZoneID(s string) bool { return dns.IsHostedZoneID(strings.TrimPrefix(s, "/hostedzone/")) }

// imageRef parses [domain[:port]/]path[:tag][@digest], the OCI
// distribution reference grammar, and reports whether img follows it and
// whether it names a tag or a digest.
func imageRef(img string) (valid, pinned bool) {
	name, digest, hasDigest := strings.Cut(img, "@")
	if hasDigest && !isDigest(digest) {
		return false, false
	}
	// A tag follows a ':' after the last '/'; a ':' before that can only
	// be the registry's port.
	hasTag := false
	slash := strings.LastIndexByte(name, '/')
	if i := strings.IndexByte(name[slash+1:], ':'); i >= 0 {
		if !isTag(name[slash+1+i+1:]) {
			return false, false
		}
		name, hasTag = name[:slash+1+i], true
	}
	return isRepository(name), hasTag || hasDigest
}

// isRepository: components separated by '/', the first of which may
// instead be a registry host with an optional port.
func isRepository(name string) bool {
	first, rest, more := strings.Cut(name, "/")
	if !isComponent(first) && (!more || !isRegistry(first)) {
		return false
	}
	for more {
		var c string
		c, rest, more = strings.Cut(rest, "/")
		if !isComponent(c) {
			return false
		}
	}
	return true
}

// isComponent: runs of [a-z0-9] joined by '.', '_', "__" or any number of
// '-'.
func isComponent(s string) bool {
	if s == "" || !isLowerAlnum(s[0]) || !isLowerAlnum(s[len(s)-1]) {
		return false
	}
	for i := 0; i < len(s); {
		if isLowerAlnum(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && !isLowerAlnum(s[j]) {
			j++
		}
		if sep := s[i:j]; sep != "." && sep != "_" && sep != "__" && strings.Trim(sep, "-") != "" {
			return false
		}
		i = j
	}
	return true
}

// isRegistry: host labels of letters (either case), digits and '-' (not
// at either end) joined by '.', then an optional ":port".
func isRegistry(s string) bool {
	host, port, hasPort := strings.Cut(s, ":")
	if hasPort && (port == "" || strings.TrimLeft(port, "0123456789") != "") {
		return false
	}
	for label := range strings.SplitSeq(host, ".") {
		if !dashed(label, isAlnum) {
			return false
		}
	}
	return true
}

// isTag: a word character, then up to 127 word characters, '.' and '-'.
func isTag(s string) bool {
	if s == "" || len(s) > 128 || !isWord(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isWord(s[i]) && s[i] != '.' && s[i] != '-' {
			return false
		}
	}
	return true
}

// isDigest: sha256:<64 hex> or sha512:<128 hex>, lower case.
func isDigest(s string) bool {
	algo, hex, _ := strings.Cut(s, ":")
	if (algo != "sha256" || len(hex) != 64) && (algo != "sha512" || len(hex) != 128) {
		return false
	}
	for i := 0; i < len(hex); i++ {
		if !isDigit(hex[i]) && (hex[i] < 'a' || hex[i] > 'f') {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isLowerAlnum(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'z' }
func isAlnum(c byte) bool      { return isLowerAlnum(c) || c >= 'A' && c <= 'Z' }
func isWord(c byte) bool       { return isAlnum(c) || c == '_' }
