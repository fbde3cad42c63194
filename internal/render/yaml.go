package render

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// yamlWriter writes API objects as block YAML with sorted keys, the layout
// kubectl prints (see writeTyped). It exists because the usual route, JSON to
// YAML through a generic YAML library, re-parses every object and was most of
// render's time; its output is read back with a real YAML parser in the tests.
type yamlWriter struct {
	buf []byte
}

func (w *yamlWriter) put(s string)   { w.buf = append(w.buf, s...) }
func (w *yamlWriter) putByte(c byte) { w.buf = append(w.buf, c) }

func (w *yamlWriter) pad(n int) {
	for n > len(spaces) {
		w.put(spaces)
		n -= len(spaces)
	}
	w.put(spaces[:n])
}

const spaces = "                                " // 32

func (w *yamlWriter) scalar(v any) {
	switch t := v.(type) {
	case nil:
		w.put("null")
	case bool:
		w.put(strconv.FormatBool(t))
	case json.Number:
		w.put(t.String())
	case float64:
		w.put(strconv.FormatFloat(t, 'g', -1, 64))
	case int64:
		w.put(strconv.FormatInt(t, 10))
	case string:
		w.str(t)
	default:
		panic(fmt.Sprintf("render: no YAML form for %T", v))
	}
}

// str writes s as a YAML scalar; scalar(s) would box s on the heap.
func (w *yamlWriter) str(s string) {
	if plainSafe(s) {
		w.put(s)
		return
	}
	w.buf = strconv.AppendQuote(w.buf, s)
}

// quoted is s as a YAML scalar.
func quoted(s string) string {
	if plainSafe(s) {
		return s
	}
	return strconv.Quote(s)
}

// plainSafe reports whether s can be written without quotes and read back
// as the same string: only a conservative set of characters, nothing a YAML
// parser would take as a number, boolean or null, no ": " or " #".
func plainSafe(s string) bool {
	if s == "" || len(s) > 200 || strings.HasPrefix(s, "---") || strings.HasPrefix(s, "...") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !anywherePlain[s[i]] && !plainByte(s, i) {
			return false
		}
	}
	return !looksTyped(s)
}

// plainByte reports whether s[i] may stand unquoted at position i.
func plainByte(s string, i int) bool {
	c := s[i]
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	case c == '/' || c == '_' || c == '.':
		return true
	case c == '%' || c == '+' || c == '=' || c == ',' || c == '@':
		return i > 0
	case c == '-':
		return i > 0 || (len(s) > 1 && s[1] != ' ')
	case c == ':':
		return i > 0 && i < len(s)-1
	}
	return false
}

// looksTyped: strings a YAML 1.1 or 1.2 parser would read as something else.
func looksTyped(s string) bool {
	// The words are at most 5 bytes: longer strings skip lowering (which
	// allocates), as every name and image does.
	if len(s) <= len("false") {
		switch strings.ToLower(s) {
		case "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~", ".inf", "-.inf", "+.inf", ".nan":
			return true
		}
	}
	// Anything numeric-looking is quoted: parsers differ in what they
	// accept as a number ("08_", "1_000", "0o17", "1:30").
	i := 0 // strings.TrimLeft(s, "+-.") without building its cutset each call
	for i < len(s) && (s[i] == '+' || s[i] == '-' || s[i] == '.') {
		i++
	}
	if i == len(s) || s[i] < '0' || s[i] > '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !numberByte[s[i]] {
			return false
		}
	}
	return true
}

// anywherePlain holds the bytes plainByte allows at any position, looked
// up without its switch: nearly every byte of names, images and paths.
var anywherePlain = func() (set [256]bool) {
	for c := range 256 {
		b := byte(c)
		set[c] = b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '/' || b == '_' || b == '.'
	}
	return set
}()

// numberByte holds the bytes of "0123456789_.:+-eExXoObBaAcCdDfF", what a
// numeric-looking scalar is made of.
var numberByte = func() (set [256]bool) {
	for _, c := range []byte("0123456789_.:+-eExXoObBaAcCdDfF") {
		set[c] = true
	}
	return set
}()
