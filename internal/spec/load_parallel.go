package spec

import (
	"bytes"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/spec/plainyaml"
)

// A large file loads on every core. The services: block is cut where each
// service's key starts, and each service is parsed, decoded and checked on
// its own, then the results are joined and the checks across services run
// once. This fast path takes only files of the plain shape "ferry init"
// writes, and gives up on anything else and on any problem at all: Load
// then loads the file the ordinary way, so every error comes from that one
// reference path. FuzzLoadParallel holds the fast path's file to be the
// reference's.

// parallelServices is the number of services below which the fast path
// is not tried. With plainyaml it is faster from a handful of services
// (0.26 against 0.30 ms at 8, 1.12 against 1.43 at 64, in process).
var parallelServices = 8

// loadParallel is Load's fast path: the loaded file and true, or false
// when the file is not of the shape it takes or has any problem.
func loadParallel(name string, data []byte) (*File, bool) {
	workers := runtime.GOMAXPROCS(0)
	if workers < 2 || len(data) > MaxFileSize {
		return nil, false
	}
	l, ok := scanLayout(data)
	if !ok || len(l.keys) < parallelServices {
		return nil, false
	}
	// The rest of the file, with the services block blanked out so lines
	// keep their numbers: it is small, and read first for the defaults
	// every service starts from.
	root, err := parseOne(name, l.header(data))
	if err != nil || !l.holdsNullServices(root) {
		return nil, false
	}
	hd := &decoder{file: name, pos: map[string]Pos{}}
	var raw v1alpha1.File
	hd.decode(root, reflectValue(&raw), "")
	c := &checker{file: name, pos: positions{hd.pos}}
	f, defaults := c.settings(&raw)
	if len(hd.problems) > 0 || len(c.problems) > 0 {
		return nil, false
	}

	parts := make([]servicePart, min(workers, len(l.keys)))
	var wg sync.WaitGroup
	for w := range parts {
		lo, hi := w*len(l.keys)/len(parts), (w+1)*len(l.keys)/len(parts)
		wg.Go(func() { parts[w].load(name, data, l, lo, hi, defaults) })
	}
	wg.Wait()

	visits := hd.visits
	for _, p := range parts {
		if !p.ok {
			return nil, false
		}
		visits += p.visits
		f.Services = append(f.Services, p.services...)
	}
	if visits > maxVisits {
		return nil, false
	}
	slices.SortFunc(f.Services, func(a, b Service) int { return strings.Compare(a.Name, b.Name) })
	for i := 1; i < len(f.Services); i++ {
		if f.Services[i].Name == f.Services[i-1].Name {
			return nil, false // "is defined twice" is the reference's to say
		}
	}
	// The services mapping is where its first key is.
	first := l.keys[0]
	hd.pos["services"] = Pos{first.line, l.indent + 1}
	pos := positions{hd.pos}
	for _, p := range parts {
		pos = append(pos, p.pos)
	}

	c.pos = pos
	c.crossService(f.Services)
	c.aliases(f)
	if len(c.problems) > 0 {
		return nil, false
	}
	f.Path = name
	f.Source = data
	f.pos = pos
	return f, true
}

// layout is where the services block of a file is and where each service
// in it starts.
type layout struct {
	line       int // of "services:"
	start, end int // bytes of the block: the lines after "services:" up to the next top-level line
	indent     int // of every service's key
	keys       []serviceKey
}

// serviceKey is the line a service starts on.
type serviceKey struct {
	name   string
	offset int // of the line in the file
	line   int
}

// scanLayout finds the services block of data and its services' lines, or
// says false when the file is not plainly laid out: "services:" alone on a
// line at the top level, then each service as "name:" on a line of its
// own, all at the same indentation, with nothing less indented before the
// next top-level key.
func scanLayout(data []byte) (layout, bool) {
	var l layout
	if bytes.IndexByte(data, '\r') >= 0 {
		return l, false
	}
	for off, line := 0, 1; off < len(data); line++ {
		text := data[off:]
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			text = text[:i]
		}
		next := off + len(text) + 1
		if l.line == 0 {
			if rest, ok := bytes.CutPrefix(text, []byte("services:")); ok && (len(rest) == 0 || rest[0] == ' ') && blankOrComment(rest) {
				l.line, l.start = line, min(next, len(data))
			}
		} else {
			body := bytes.TrimLeft(text, " ")
			indent := len(text) - len(body)
			switch {
			case blankOrComment(body):
			case indent == 0:
				l.end = off
				return l, len(l.keys) > 0
			case body[0] == '\t' || (l.indent != 0 && indent < l.indent):
				return l, false
			case l.indent == 0 || indent == l.indent:
				name, ok := serviceKeyName(body)
				if !ok {
					return l, false
				}
				l.indent = indent
				l.keys = append(l.keys, serviceKey{name: name, offset: off, line: line})
			}
		}
		off = next
	}
	l.end = len(data)
	return l, l.line != 0 && len(l.keys) > 0
}

// blankOrComment reports whether the rest of a line holds nothing for the
// parser.
func blankOrComment(rest []byte) bool {
	rest = bytes.TrimLeft(rest, " ")
	return len(rest) == 0 || rest[0] == '#'
}

// serviceKeyName returns the name of a line "name:" (a value may follow
// on the same line), when name is plain lower-case letters, digits and
// dashes, as service names are.
func serviceKeyName(body []byte) (string, bool) {
	i := bytes.IndexByte(body, ':')
	if i <= 0 || (i+1 < len(body) && body[i+1] != ' ') {
		return "", false
	}
	for _, c := range body[:i] {
		if !isLowerAlnum(c) && c != '-' {
			return "", false
		}
	}
	return string(body[:i]), true
}

// header is data with the services block's lines left empty.
func (l layout) header(data []byte) []byte {
	lines := bytes.Count(data[l.start:l.end], []byte{'\n'})
	out := make([]byte, 0, len(data)-(l.end-l.start)+lines)
	out = append(out, data[:l.start]...)
	for range lines {
		out = append(out, '\n')
	}
	return append(out, data[l.end:]...)
}

// holdsNullServices reports whether root, parsed from the header, is a
// mapping whose key "services" is where the scan found it, with nothing
// after it: the scan read the file as the parser does.
func (l layout) holdsNullServices(root *yaml.Node) bool {
	if root.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value == "services" {
			return k.Kind == yaml.ScalarNode && k.Style == 0 && k.Line == l.line && k.Column == 1 &&
				v.Kind == yaml.ScalarNode && v.Tag == "!!null" && v.Value == "" && v.Anchor == ""
		}
	}
	return false
}

// servicePart is one core's share of the services, loaded.
type servicePart struct {
	services []Service
	pos      map[string]Pos
	visits   int
	ok       bool
}

// load parses, decodes and checks services lo to hi of l: their lines,
// parsed as one mapping (by plainyaml when they are in its subset, else by
// yaml.v3), must hold exactly those services' keys.
func (p *servicePart) load(name string, data []byte, l layout, lo, hi int, defaults fileDefaults) {
	end := l.end
	if hi < len(l.keys) {
		end = l.keys[hi].offset
	}
	first := l.keys[lo]
	part := data[first.offset:end]
	root, ok := plainyaml.Parse(part, l.indent, first.line-1)
	if !ok {
		var err error
		if root, err = parseOne(name, part); err != nil || !renumber(root, first.line-1) {
			return
		}
	}
	if root.Kind != yaml.MappingNode || len(root.Content) != 2*(hi-lo) {
		return
	}
	d := &decoder{file: name, pos: make(map[string]Pos, 16*(hi-lo))}
	c := &checker{file: name, pos: positions{d.pos}}
	p.services = make([]Service, 0, hi-lo)
	for i, k := range l.keys[lo:hi] {
		key, val := root.Content[2*i], root.Content[2*i+1]
		if !k.is(key, l.indent) {
			return
		}
		var raw *v1alpha1.Service
		d.entry(key, val, reflect.ValueOf(&raw).Elem(), "services."+k.name)
		if len(d.problems) > 0 {
			return
		}
		s, ok := c.namedService(k.name, raw, defaults)
		if !ok || len(c.problems) > 0 {
			return
		}
		p.services = append(p.services, s)
	}
	p.pos, p.visits, p.ok = d.pos, d.visits, true
}

// is reports whether key is k's: its name, written as a plain key on k's
// line at the services' indentation.
func (k serviceKey) is(key *yaml.Node, indent int) bool {
	return key.Kind == yaml.ScalarNode && key.Style == 0 && key.Tag == "!!str" && key.Value == k.name &&
		key.Line == k.line && key.Column == indent+1
}

// renumber moves every node of n down by lines, as parsed from a part of
// the file that starts on line lines+1; false when n holds an anchor or alias, which may
// reach across services.
func renumber(n *yaml.Node, lines int) bool {
	if n.Anchor != "" || n.Kind == yaml.AliasNode {
		return false
	}
	n.Line += lines
	for _, c := range n.Content {
		if !renumber(c, lines) {
			return false
		}
	}
	return true
}
