package server

import (
	"fmt"
	"net/http"
	"strings"

	"ferry.dev/ferry/internal/dns"
)

// conditionOf reads the condition of a PUT or DELETE from its headers:
// `If-Match: "<digest>"` (the ETag a GET answered) is dns.IfRevision,
// `If-None-Match: *` is dns.IfAbsent, and neither is dns.Always, so that a
// plain curl keeps working. Anything else is refused (an error wrapping
// dns.ErrInvalid) rather than read loosely: several tags, `If-Match: *`,
// a weak or unquoted tag, or both headers at once.
func conditionOf(h http.Header) (dns.Condition, error) {
	match, noneMatch := h.Values("If-Match"), h.Values("If-None-Match")
	switch {
	case len(match) > 0 && len(noneMatch) > 0:
		return dns.Condition{}, invalidHeader("If-Match and If-None-Match", "give one of them, not both")
	case len(noneMatch) > 0:
		if len(noneMatch) != 1 || strings.TrimSpace(noneMatch[0]) != "*" {
			return dns.Condition{}, invalidHeader("If-None-Match", `only "*" (change only if there is no record set) is supported`)
		}
		return dns.IfAbsent(), nil
	case len(match) > 0:
		tag, err := strongTag(match)
		if err != nil {
			return dns.Condition{}, err
		}
		return dns.IfRevision(tag), nil
	}
	return dns.Always(), nil
}

// strongTag returns the one quoted entity tag of If-Match values.
func strongTag(values []string) (string, error) {
	const want = `want one ETag as GET answered it, in double quotes ("3f2a…")`
	if len(values) != 1 {
		return "", invalidHeader("If-Match", want+", not several")
	}
	v := strings.TrimSpace(values[0])
	if v == "*" {
		return "", invalidHeader("If-Match", `"*" is not supported; `+want)
	}
	tag, ok := strings.CutPrefix(v, `"`)
	if ok {
		tag, ok = strings.CutSuffix(tag, `"`)
	}
	if !ok || tag == "" || strings.ContainsAny(tag, `",`) {
		return "", invalidHeader("If-Match", fmt.Sprintf("%q: %s", v, want))
	}
	return tag, nil
}

func invalidHeader(header, msg string) error {
	return fmt.Errorf("%w: %s: %s", dns.ErrInvalid, header, msg)
}
