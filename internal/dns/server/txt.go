package server

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// txtStrings is val's strings as miekg/dns packs them (escaped). Every
// value written since TXT values were parsed parses (the admin API and zone
// files refuse one that does not); one stored before that and not
// parsing (a lone trailing backslash, an unclosed quote) is served as it
// was then, cut every 255 characters, rather than stop the server.
func txtStrings(val string) []string {
	strs, err := parseTXT(val)
	if err != nil {
		var old []string
		for len(val) > maxTXTString {
			cut := maxTXTString
			for cut > 1 && val[cut-1] == '\\' {
				cut--
			}
			old, val = append(old, val[:cut]), val[cut:]
		}
		return append(old, val)
	}
	for i, s := range strs {
		strs[i] = escapeTXT(s)
	}
	return strs
}

// maxTXTString is the most one character-string of a TXT record holds.
const maxTXTString = 255

// parseTXT reads a TXT value into the character-strings it is on the wire.
// A value starting with a double quote is a sequence of quoted strings in
// zone file syntax (`"v=spf1 …" "more"`), kept with their boundaries, each
// at most 255 bytes. Any other value is one text, cut into 255-byte strings
// (the cut falls between bytes, never inside an escape, since escapes are
// decoded first). Both spellings take zone file escapes: \DDD and \c.
func parseTXT(v string) ([]string, error) {
	if strings.HasPrefix(v, `"`) {
		return parseQuotedTXT(v)
	}
	raw, rest, err := unescapeTXT(v, false)
	if err != nil {
		return nil, err
	}
	if rest != "" {
		return nil, fmt.Errorf("%q: unexpected %q", v, rest)
	}
	return splitTXT(raw), nil
}

// parseQuotedTXT reads `"a" "b"…`: quoted strings separated by blanks.
func parseQuotedTXT(v string) ([]string, error) {
	var out []string
	rest := v
	for {
		rest = strings.TrimLeft(rest, " \t")
		if rest == "" {
			break
		}
		if rest[0] != '"' {
			return nil, fmt.Errorf("%q: text outside quotes after string %d (quote every string, or none)", v, len(out))
		}
		raw, after, err := unescapeTXT(rest[1:], true)
		if err != nil {
			return nil, fmt.Errorf("%q: string %d: %w", v, len(out)+1, err)
		}
		if len(raw) > maxTXTString {
			return nil, fmt.Errorf("%q: string %d is %d bytes, more than the %d one TXT string holds", v, len(out)+1, len(raw), maxTXTString)
		}
		out = append(out, raw)
		rest = after
	}
	return out, nil
}

// unescapeTXT decodes zone file escapes. quoted: stop at the closing
// quote, returning what follows it; a missing one is an error.
func unescapeTXT(s string, quoted bool) (raw, rest string, err error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quoted && c == '"':
			return b.String(), s[i+1:], nil
		case c != '\\':
			b.WriteByte(c)
		case i+3 < len(s) && isDigits(s[i+1:i+4]):
			n, _ := strconv.Atoi(s[i+1 : i+4])
			if n > 255 {
				return "", "", fmt.Errorf("escape \\%s is not a byte (000-255)", s[i+1:i+4])
			}
			b.WriteByte(byte(n))
			i += 3
		case i+1 < len(s):
			b.WriteByte(s[i+1])
			i++
		default:
			return "", "", errors.New("ends in a lone backslash")
		}
	}
	if quoted {
		return "", "", errors.New("no closing quote")
	}
	return b.String(), "", nil
}

func isDigits(s string) bool {
	return len(s) == 3 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9'
}

// splitTXT cuts raw text into the 255-byte strings a TXT record is made of.
func splitTXT(raw string) []string {
	if raw == "" {
		return []string{""}
	}
	var out []string
	for len(raw) > maxTXTString {
		out = append(out, raw[:maxTXTString])
		raw = raw[maxTXTString:]
	}
	return append(out, raw)
}

// formatTXT writes character-strings as the one canonical value that
// parses back to them: plain text when they are what cutting their
// concatenation would give, quoted strings otherwise.
func formatTXT(strs []string) string {
	joined := strings.Join(strs, "")
	if plain := splitTXT(joined); equalStrings(plain, strs) {
		s := escapeTXT(joined)
		if strings.HasPrefix(s, `"`) {
			s = `\` + s // a leading quote would read as quoted strings
		}
		return s
	}
	quoted := make([]string, len(strs))
	for i, s := range strs {
		quoted[i] = `"` + escapeTXT(s) + `"`
	}
	return strings.Join(quoted, " ")
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// escapeTXT writes raw bytes in zone file syntax, which is also what
// miekg/dns packs a TXT string from: a backslash and a double quote
// escaped, control bytes as \DDD, everything else as it is.
func escapeTXT(raw string) string {
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case c == '\\' || c == '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c == 0x7F:
			fmt.Fprintf(&b, "\\%03d", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
