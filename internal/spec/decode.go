package spec

import (
	"encoding"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// decoder turns a YAML node tree into the api types strictly: unknown fields,
// duplicate keys and wrong types are problems, and decoding carries on so all
// of them are reported. It records where every field was written so that
// validation can point at it too.
type decoder struct {
	file     string
	problems ProblemList
	// pos maps a field path ("services.api.image") to where its value starts.
	pos map[string]Pos
	// visits counts nodes decoded, so aliases that expand exponentially
	// ("billion laughs") stop with a problem instead of eating the machine.
	visits int
	// fields caches structFields: the same few types are decoded once
	// for every service.
	fields map[reflect.Type]map[string]int
}

// maxVisits bounds the nodes one file may expand to through aliases.
const maxVisits = 200_000

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

func (d *decoder) problem(n *yaml.Node, path, format string, args ...any) {
	d.problems = append(d.problems, newProblem(d.file, Pos{n.Line, n.Column}, path, fmt.Sprintf(format, args...)))
}

// decode fills v (addressable) from n; path names v for problems.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	if d.visits++; d.visits > maxVisits {
		if d.visits == maxVisits+1 {
			d.problem(n, path, "the file expands to more than %d values through aliases", maxVisits)
		}
		return
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	d.pos[path] = Pos{n.Line, n.Column}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // an explicit null is the same as leaving the field out
	}
	if v.Kind() == reflect.Pointer {
		// Leave a pointer to a scalar nil when its value was wrong, so the
		// checker sees "not set" rather than a zero to complain about again.
		before := len(d.problems)
		elem := reflect.New(v.Type().Elem())
		d.decode(n, elem.Elem(), path)
		if len(d.problems) == before || elem.Elem().Kind() == reflect.Struct {
			v.Set(elem)
		}
		return
	}
	if n.Kind == yaml.ScalarNode && v.Addr().Type().Implements(textUnmarshaler) && v.Kind() == reflect.Struct {
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.Value)); err != nil {
			d.problem(n, path, "%v", err)
		}
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Map:
		d.decodeMap(n, v, path)
	case reflect.Slice:
		d.decodeSlice(n, v, path)
	default:
		d.decodeScalar(n, v, path)
	}
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.problem(n, path, "expected a mapping of fields, got %s", describe(n))
		return
	}
	fields := d.structFields(v.Type())
	seen := make([]bool, v.NumField())
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		sub := join(path, key.Value)
		idx, ok := fields[key.Value]
		switch {
		case !ok:
			d.problem(key, sub, "unknown field%s", suggest(key.Value, fields))
		case seen[idx]:
			d.problem(key, sub, "is set twice in the same mapping")
		default:
			seen[idx] = true
			d.decode(val, v.Field(idx), sub)
		}
	}
}

// structFields is structFields(t), remembered.
func (d *decoder) structFields(t reflect.Type) map[string]int {
	m, ok := d.fields[t]
	if !ok {
		m = structFields(t)
		if d.fields == nil {
			d.fields = map[reflect.Type]map[string]int{}
		}
		d.fields[t] = m
	}
	return m
}

func (d *decoder) decodeMap(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.problem(n, path, "expected a mapping, got %s", describe(n))
		return
	}
	m := reflect.MakeMap(v.Type())
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		sub := join(path, key.Value)
		if key.Kind != yaml.ScalarNode {
			d.problem(key, path, "keys must be plain strings, got %s", describe(key))
			continue
		}
		if m.MapIndex(reflect.ValueOf(key.Value)).IsValid() {
			d.problem(key, sub, "is defined twice (first at line %d)", d.pos[sub+"#key"].Line)
			continue
		}
		elem := reflect.New(v.Type().Elem()).Elem()
		d.entry(key, val, elem, sub)
		m.SetMapIndex(reflect.ValueOf(key.Value), elem)
	}
	v.Set(m)
}

// entry decodes a mapping entry's value val into elem, recording where
// its key was; path names the entry.
func (d *decoder) entry(key, val *yaml.Node, elem reflect.Value, path string) {
	d.pos[path+"#key"] = Pos{key.Line, key.Column}
	d.decode(val, elem, path)
}

func (d *decoder) decodeSlice(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.SequenceNode {
		d.problem(n, path, "expected a list, got %s", describe(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		d.decode(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
	}
	v.Set(s)
}

func (d *decoder) decodeScalar(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.ScalarNode {
		d.problem(n, path, "expected %s, got %s", kindName(v.Kind()), describe(n))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(n.Value) // numbers and booleans are fine as text ("PORT: 8080")
	case reflect.Int:
		i, err := strconv.Atoi(n.Value)
		if n.Tag != "!!int" || err != nil {
			d.problem(n, path, "expected a whole number, got %s", describe(n))
			return
		}
		v.SetInt(int64(i))
	case reflect.Float64:
		f, err := strconv.ParseFloat(n.Value, 64)
		if (n.Tag != "!!float" && n.Tag != "!!int") || err != nil {
			d.problem(n, path, "expected a number, got %s", describe(n))
			return
		}
		v.SetFloat(f)
	case reflect.Bool:
		if n.Tag != "!!bool" {
			d.problem(n, path, "expected true or false, got %s", describe(n))
			return
		}
		v.SetBool(n.Value == "true")
	default:
		panic(fmt.Sprintf("spec: no decoder for %s", v.Type()))
	}
}

// structFields maps each field's JSON name to its index.
func structFields(t reflect.Type) map[string]int {
	m := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			m[name] = i
		}
	}
	return m
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// describe names what a node holds, for "expected X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.Tag {
	case "!!str":
		return fmt.Sprintf("the string %q", n.Value)
	case "!!null":
		return "nothing"
	}
	return fmt.Sprintf("%q", n.Value)
}

func kindName(k reflect.Kind) string {
	switch k {
	case reflect.Int:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	}
	return "a single value"
}
