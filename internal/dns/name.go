package dns

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	mdns "github.com/miekg/dns"
	"golang.org/x/net/idna"
)

// ErrBadName is wrapped by every error ParseName returns.
var ErrBadName = errors.New("not a DNS name")

// ParseName returns the one canonical spelling of a domain name: the name as
// it is on the wire, with ASCII letters lower-cased and nothing else
// changed, written back in presentation form (escapes as miekg/dns writes
// them) and fully qualified. Two spellings that are one name on the wire
// (`sp\032ace` and `sp ace`, `esc\065` and `escA`) give one result, so a
// canonical name can be used as a key.
//
// Only ASCII is lower-cased: a KELVIN SIGN is not the letter k. A label
// holding non-ASCII text is an internationalised name: it is converted to
// its A-label (punycode) by IDNA (UTS 46, registration rules, which refuse
// characters that would map to another spelling) or refused; an A-label
// given as such (xn--…) must decode. Control characters and NUL, raw or
// escaped, bytes above 0x7F given as escapes, invalid UTF-8, empty labels,
// labels over 63 bytes and names over 255 bytes are refused. Every error
// wraps ErrBadName and says what is wrong.
func ParseName(name string) (string, error) {
	if name == "" {
		return "", fmt.Errorf("%w: empty", ErrBadName)
	}
	if !utf8.ValidString(name) {
		return "", fmt.Errorf("%w: %q is not valid UTF-8", ErrBadName, name)
	}
	for i, r := range name {
		if r < 0x20 || r == 0x7F {
			return "", fmt.Errorf("%w: %q holds the control character %U at byte %d", ErrBadName, name, r, i)
		}
	}
	ascii, err := toASCII(name)
	if err != nil {
		return "", err
	}
	return wireCanonical(name, ascii)
}

// toASCII lower-cases ASCII letters and turns labels holding non-ASCII
// text into A-labels.
func toASCII(name string) (string, error) {
	lower := asciiLower(name)
	hasIDN := strings.IndexFunc(lower, func(r rune) bool { return r >= utf8.RuneSelf }) >= 0
	if !hasIDN && !strings.Contains(lower, "xn--") {
		return lower, nil
	}
	if hasIDN && strings.Contains(lower, `\`) {
		return "", fmt.Errorf("%w: %q mixes non-ASCII text with escapes; write an internationalised name without escapes", ErrBadName, name)
	}
	labels := strings.Split(lower, ".")
	for i, l := range labels {
		switch {
		case strings.IndexFunc(l, func(r rune) bool { return r >= utf8.RuneSelf }) >= 0:
			a, err := idna.Registration.ToASCII(l)
			if err != nil {
				return "", fmt.Errorf("%w: %q: label %q is not a valid internationalised label (IDNA): %w", ErrBadName, name, l, err)
			}
			labels[i] = a
		case strings.HasPrefix(l, "xn--"):
			if _, err := idna.Registration.ToUnicode(l); err != nil {
				return "", fmt.Errorf("%w: %q: label %q is not a valid A-label (IDNA): %w", ErrBadName, name, l, err)
			}
		}
	}
	return strings.Join(labels, "."), nil
}

// wireCanonical packs ascii to its wire form, checks its bytes and writes
// it back in presentation form.
func wireCanonical(name, ascii string) (string, error) {
	if ascii == "." {
		return ".", nil
	}
	buf := make([]byte, 256)
	n, err := mdns.PackDomainName(mdns.Fqdn(ascii), buf, 0, nil, false)
	if err != nil {
		return "", fmt.Errorf("%w: %q: %w", ErrBadName, name, err)
	}
	wire := buf[:n]
	for off := 0; off < len(wire) && wire[off] != 0; off += int(wire[off]) + 1 {
		if wire[off] == 0 {
			return "", fmt.Errorf("%w: %q holds an empty label", ErrBadName, name)
		}
		for i, c := range wire[off+1 : off+1+int(wire[off])] {
			switch {
			case c < 0x20 || c == 0x7F:
				return "", fmt.Errorf("%w: %q holds the control byte 0x%02X (label byte %d)", ErrBadName, name, c, i)
			case c >= 0x80:
				return "", fmt.Errorf("%w: %q holds the byte 0x%02X; write an internationalised name as text (it becomes punycode)", ErrBadName, name, c)
			case c >= 'A' && c <= 'Z':
				wire[off+1+i] = c + ('a' - 'A') // an escape such as \065
			}
		}
	}
	out, _, err := mdns.UnpackDomainName(wire, 0)
	if err != nil {
		return "", fmt.Errorf("%w: %q: %w", ErrBadName, name, err)
	}
	return out, nil
}

// asciiLower lower-cases ASCII letters only; unicode's case rules would
// turn a KELVIN SIGN into k and make two names one.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
	}
	return string(b)
}
