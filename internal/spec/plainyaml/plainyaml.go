package plainyaml

import (
	"bytes"

	"gopkg.in/yaml.v3"
)

// Parse parses data, a block mapping whose keys start at column indent+1,
// into the node yaml.v3 would give for it, numbering lines from line+1.
// It returns false when data holds anything outside the subset, valid
// YAML or not: the caller then asks yaml.v3.
func Parse(data []byte, indent, line int) (*yaml.Node, bool) {
	// Printable ASCII lines only, comments included: yaml.v3 judges tabs,
	// control characters and encodings.
	for _, c := range data {
		if (c < ' ' && c != '\n') || c >= 0x7f {
			return nil, false
		}
	}
	p := &parser{data: data, line: line + 1}
	p.toContent()
	if p.eof || p.indent() != indent {
		return nil, false
	}
	n, ok := p.mapping(indent, p.bol+indent)
	return n, ok && p.eof
}

// parser reads data a line at a time. After each value it stands at the
// start of the next line that holds more than blanks and a comment, or
// at the end.
type parser struct {
	data []byte
	bol  int // where the current line starts
	line int // its number
	pos  int // where reading is on it
	eof  bool
}

// toContent moves to the first line from the current one that holds more
// than blanks and a comment.
func (p *parser) toContent() {
	for p.bol < len(p.data) {
		i := p.skipSpaces(p.bol)
		if i < len(p.data) && p.data[i] != '\n' && p.data[i] != '#' {
			p.pos = p.bol
			return
		}
		p.lineAfter()
	}
	p.eof = true
}

// lineAfter moves to the start of the line after the current one.
func (p *parser) lineAfter() {
	if i := bytes.IndexByte(p.data[p.bol:], '\n'); i >= 0 {
		p.bol += i + 1
	} else {
		p.bol = len(p.data)
	}
	p.line++
	p.pos = p.bol
}

// nextLine moves past the current line to the next that holds content.
func (p *parser) nextLine() {
	p.lineAfter()
	p.toContent()
}

// indent is the indentation of the current line.
func (p *parser) indent() int { return p.skipSpaces(p.bol) - p.bol }

// col is the column of position i on the current line, from 1.
func (p *parser) col(i int) int { return i - p.bol + 1 }

// mapping reads a block mapping whose keys are at column indent+1, the
// first of them at first (after a sequence's dash, or the line's start).
func (p *parser) mapping(indent, first int) (*yaml.Node, bool) {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: p.line, Column: indent + 1}
	seen := map[string]bool{}
	for at := first; ; at = p.bol + indent {
		key, ok := p.key(at)
		if !ok || seen[key.Value] {
			return nil, false // a duplicate key is yaml.v3's to report
		}
		seen[key.Value] = true
		value, ok := p.afterKey(indent)
		if !ok {
			return nil, false
		}
		m.Content = append(m.Content, key, value)
		if more, ok := p.moreAt(indent); !more {
			return m, ok
		}
	}
}

// moreAt reports, after an entry of a block at indent, whether the block
// goes on (the next line is at indent) and, when it does not, whether it
// ended well (at the end of data or a less indented line) rather than at
// a line indented more, which yaml.v3 judges.
func (p *parser) moreAt(indent int) (more, ok bool) {
	if p.eof {
		return false, true
	}
	in := p.indent()
	return in == indent, in <= indent
}

// maxKey is the longest key taken: YAML bounds a key written without "?"
// (1024 characters in yaml.v3), and no field or label key comes near.
const maxKey = 256

// key reads "key:" at i, a plain key of letters, digits and "_./-", and
// leaves pos after the colon.
func (p *parser) key(i int) (*yaml.Node, bool) {
	j := p.keyEnd(i)
	if j < 0 || j-i > maxKey || !isAlnum(p.data[i]) {
		return nil, false
	}
	n := plain(string(p.data[i:j]), p.line, p.col(i))
	p.pos = j + 1
	return n, n.Tag == "!!str"
}

// afterKey reads the value of a key of a mapping at indent: on the same
// line, or a block below it.
func (p *parser) afterKey(indent int) (*yaml.Node, bool) {
	i := p.skipSpaces(p.pos)
	if i < len(p.data) && p.data[i] != '\n' && p.data[i] != '#' {
		if i == p.pos {
			return nil, false
		}
		return p.inlineValue(i)
	}
	if i < len(p.data) && p.data[i] == '#' && i == p.pos {
		return nil, false
	}
	// A block below: a more indented mapping, or a sequence indented at
	// least as much as the key. Nothing (null) is left to yaml.v3.
	p.nextLine()
	if p.eof {
		return nil, false
	}
	in := p.indent()
	if p.dashAt(p.bol + in) {
		if in < indent {
			return nil, false
		}
		return p.sequence(in)
	}
	if in <= indent {
		return nil, false
	}
	return p.mapping(in, p.bol+in)
}

// dashAt reports whether a sequence entry's "- " is at i.
func (p *parser) dashAt(i int) bool {
	return i+1 < len(p.data) && p.data[i] == '-' && p.data[i+1] == ' '
}

// sequence reads a block sequence whose dashes are at column indent+1.
func (p *parser) sequence(indent int) (*yaml.Node, bool) {
	s := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: p.line, Column: indent + 1}
	for {
		i := p.skipSpaces(p.bol + indent + 1)
		if i >= len(p.data) || p.data[i] == '\n' || p.data[i] == '#' {
			return nil, false
		}
		var item *yaml.Node
		var ok bool
		if p.keyEnd(i) >= 0 {
			item, ok = p.mapping(p.col(i)-1, i)
		} else {
			item, ok = p.inlineValue(i)
		}
		if !ok {
			return nil, false
		}
		s.Content = append(s.Content, item)
		if more, ok := p.moreAt(indent); !more {
			return s, ok
		}
		if !p.dashAt(p.bol + indent) {
			return s, true // the next key of the mapping the sequence is in
		}
	}
}

// keyEnd is where the colon is of a plain key that starts at i and is
// followed by ": " (or ":" at the end of the line), or -1.
func (p *parser) keyEnd(i int) int {
	j := i
	for j < len(p.data) && keyByte(p.data[j]) {
		j++
	}
	if j == i || j >= len(p.data) || p.data[j] != ':' || (j+1 < len(p.data) && p.data[j+1] != ' ' && p.data[j+1] != '\n') {
		return -1
	}
	return j
}

// inlineValue reads a value that starts at i and ends its line (but for a
// comment).
func (p *parser) inlineValue(i int) (*yaml.Node, bool) {
	var n *yaml.Node
	var ok bool
	switch p.data[i] {
	case '[', '{':
		n, ok = p.flow(i)
	case '"', '\'':
		n, ok = p.quoted(i)
	default:
		n, ok = p.blockPlain(i)
	}
	if !ok {
		return nil, false
	}
	// Nothing but a comment may follow on the line.
	j := p.skipSpaces(p.pos)
	if j < len(p.data) && p.data[j] != '\n' && (p.data[j] != '#' || j == p.pos) {
		return nil, false
	}
	p.nextLine()
	return n, true
}

// blockPlain reads a plain scalar in block context: the rest of the line
// up to a comment, which must not hold ": " or start with an indicator.
func (p *parser) blockPlain(i int) (*yaml.Node, bool) {
	if !plainStart(p.data, i) {
		return nil, false
	}
	j, end := i, i
	for j < len(p.data) && p.data[j] != '\n' {
		c := p.data[j]
		switch {
		case c == '#' && p.data[j-1] == ' ':
			p.pos = end
			return plain(string(p.data[i:end]), p.line, p.col(i)), true
		case c == ':' && (j+1 == len(p.data) || p.data[j+1] == ' ' || p.data[j+1] == '\n'):
			return nil, false
		case !plainByte(c):
			return nil, false
		}
		j++
		if c != ' ' {
			end = j
		}
	}
	p.pos = end
	return plain(string(p.data[i:end]), p.line, p.col(i)), true
}

// flow reads a flow sequence or mapping that starts at i and ends on its
// line, of scalars and flow collections.
func (p *parser) flow(i int) (*yaml.Node, bool) {
	open := p.data[i]
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle, Line: p.line, Column: p.col(i)}
	closing := byte(']')
	if open == '{' {
		n.Kind, n.Tag, closing = yaml.MappingNode, "!!map", '}'
	}
	seen := map[string]bool{}
	j := p.skipSpaces(i + 1)
	if j < len(p.data) && p.data[j] == closing {
		p.pos = j + 1
		return n, true
	}
	for {
		if n.Kind == yaml.MappingNode {
			key, ok := p.flowKey(j, seen)
			if !ok {
				return nil, false
			}
			j = p.skipSpaces(p.pos)
			n.Content = append(n.Content, key)
		}
		var v *yaml.Node
		var ok bool
		if j < len(p.data) && (p.data[j] == '[' || p.data[j] == '{') {
			v, ok = p.flow(j)
		} else {
			v, ok = p.flowScalar(j)
		}
		if !ok {
			return nil, false
		}
		n.Content = append(n.Content, v)
		j = p.skipSpaces(p.pos)
		if j >= len(p.data) {
			return nil, false
		}
		switch p.data[j] {
		case closing:
			p.pos = j + 1
			return n, true
		case ',':
			j = p.skipSpaces(j + 1)
			if j >= len(p.data) || p.data[j] == closing {
				return nil, false // a trailing comma is left to yaml.v3
			}
		default:
			return nil, false
		}
	}
}

// flowKey reads "key: " in a flow mapping, a plain key not in seen, and
// leaves pos after it.
func (p *parser) flowKey(i int, seen map[string]bool) (*yaml.Node, bool) {
	key, ok := p.flowScalar(i)
	if !ok || key.Style != 0 || key.Tag != "!!str" || len(key.Value) > maxKey || seen[key.Value] {
		return nil, false
	}
	seen[key.Value] = true
	if p.pos+1 >= len(p.data) || p.data[p.pos] != ':' || p.data[p.pos+1] != ' ' {
		return nil, false
	}
	p.pos++
	return key, true
}

// flowScalar reads a quoted or plain scalar in a flow collection.
func (p *parser) flowScalar(i int) (*yaml.Node, bool) {
	if i >= len(p.data) {
		return nil, false
	}
	if p.data[i] == '"' || p.data[i] == '\'' {
		return p.quoted(i)
	}
	if !plainStart(p.data, i) {
		return nil, false
	}
	j, end := i, i
	for j < len(p.data) {
		c := p.data[j]
		if c == ',' || c == ']' || c == '}' || c == ':' {
			break
		}
		if !flowPlainByte(c) {
			return nil, false
		}
		j++
		if c != ' ' {
			end = j
		}
	}
	if j < len(p.data) && p.data[j] == ':' && (j+1 >= len(p.data) || p.data[j+1] != ' ') {
		return nil, false // "a:b" in a flow collection is left to yaml.v3
	}
	p.pos = end
	return plain(string(p.data[i:end]), p.line, p.col(i)), true
}

// quoted reads a quoted scalar that ends on its line, without escapes.
func (p *parser) quoted(i int) (*yaml.Node, bool) {
	q := p.data[i]
	j := i + 1
	for j < len(p.data) && p.data[j] != q {
		c := p.data[j]
		if c == '\n' || c == '\\' || c < ' ' || c >= 0x7f {
			return nil, false
		}
		j++
	}
	if j >= len(p.data) || (q == '\'' && j+1 < len(p.data) && p.data[j+1] == '\'') {
		return nil, false
	}
	style := yaml.DoubleQuotedStyle
	if q == '\'' {
		style = yaml.SingleQuotedStyle
	}
	p.pos = j + 1
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Style: style, Value: string(p.data[i+1 : j]), Line: p.line, Column: p.col(i)}, true
}

func (p *parser) skipSpaces(i int) int {
	for i < len(p.data) && p.data[i] == ' ' {
		i++
	}
	return i
}

// plain is a plain scalar node, its tag resolved as yaml.v3 resolves it.
func plain(value string, line, col int) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Value: value, Line: line, Column: col}
	n.Tag = n.ShortTag()
	return n
}

// plainStart reports whether a plain scalar may start at i: not with an
// indicator or "- ". (A value never starts a line, so "---" cannot be a
// document marker.)
func plainStart(data []byte, i int) bool {
	if i >= len(data) {
		return false
	}
	c := data[i]
	switch {
	case isAlnum(c), c == '/', c == '_', c == '.', c == '+', c == '~':
		return true
	case c == '-':
		return i+1 < len(data) && data[i+1] != ' ' && data[i+1] != '\n'
	}
	return false
}

// plainByte reports whether c may stand inside a plain scalar of the
// subset: printable ASCII but for the indicators that end or change one.
func plainByte(c byte) bool {
	return c >= ' ' && c < 0x7f && c != '"' && c != '\'' && c != '`' && c != '{' && c != '}' && c != '[' && c != ']' && c != '|' && c != '>' && c != '&' && c != '*' && c != '!' && c != '%' && c != '@' && c != '\\'
}

// flowPlainByte reports whether c may stand inside a plain scalar of the
// subset in a flow collection, where fewer characters are plainly plain.
func flowPlainByte(c byte) bool {
	return isAlnum(c) || c == ' ' || c == '/' || c == '_' || c == '.' || c == '-' || c == '+' || c == '~' || c == '='
}

func keyByte(c byte) bool { return isAlnum(c) || c == '_' || c == '.' || c == '/' || c == '-' }

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
