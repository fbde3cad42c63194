package render

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// writeTyped writes a typed API object as YAML directly from its Go value,
// with the same result as converting it to JSON, then to a map, then to
// YAML, but without building either: it was most of render's time. Field
// rules follow encoding/json (json tags, omitempty, omitzero, inline
// embedding, json.Marshaler); keys are sorted as kubectl prints them.
// creationTimestamp and status are left out: render never sets them.
func (w *yamlWriter) writeTyped(obj any) error {
	v := reflect.ValueOf(obj)
	for v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	_, err := w.structFields(v, infoOf(v.Type()), 0, false, true)
	return err
}

// field is one JSON field of a struct type, found by walking inline
// (embedded) structs.
type field struct {
	name      string
	key       string // name as written, "name:", worked out once
	index     []int
	omitEmpty bool
	omitZero  bool
	info      *typeInfo // of the field's type
}

// typeInfo is what the writer needs to know of a type, worked out once,
// with the types below it linked: the writer walks a value and its
// typeInfo together, without looking a type up.
type typeInfo struct {
	kind   reflect.Kind
	fields []field // structs: sorted by name
	// marshals: the value (1) or its address (2) implements json.Marshaler.
	marshals int
	// known: written by yamlWriter.known (Quantity, IntOrString).
	known bool
	// elem is of the element of a pointer, slice, array or map (its value).
	elem *typeInfo
	// stringMap: a map[string]string (labels, annotations, selectors).
	stringMap bool
}

var (
	typeCache sync.Map   // reflect.Type → *typeInfo, each complete
	typeMu    sync.Mutex // one builder at a time
)

// infoOf is t's typeInfo, built on first use with every type below it and
// published only once complete.
func infoOf(t reflect.Type) *typeInfo {
	if ti, ok := typeCache.Load(t); ok {
		return ti.(*typeInfo)
	}
	typeMu.Lock()
	defer typeMu.Unlock()
	building := map[reflect.Type]*typeInfo{}
	ti := buildInfo(t, building)
	for t, ti := range building {
		typeCache.Store(t, ti)
	}
	return ti
}

// buildInfo builds t's typeInfo; building holds those under way, so a
// type that contains itself links to its own.
func buildInfo(t reflect.Type, building map[reflect.Type]*typeInfo) *typeInfo {
	if ti, ok := typeCache.Load(t); ok {
		return ti.(*typeInfo)
	}
	if ti, ok := building[t]; ok {
		return ti
	}
	ti := &typeInfo{kind: t.Kind(), known: isKnown(t), stringMap: t == stringMapType}
	building[t] = ti
	switch {
	case t.Implements(marshalerType):
		ti.marshals = 1
	case reflect.PointerTo(t).Implements(marshalerType):
		ti.marshals = 2
	}
	switch t.Kind() {
	case reflect.Struct:
		collectFields(t, nil, &ti.fields)
		slices.SortFunc(ti.fields, func(a, b field) int { return strings.Compare(a.name, b.name) })
		for i := range ti.fields {
			ti.fields[i].info = buildInfo(t.FieldByIndex(ti.fields[i].index).Type, building)
		}
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		ti.elem = buildInfo(t.Elem(), building)
	}
	return ti
}

func collectFields(t reflect.Type, index []int, out *[]field) {
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" || (!sf.IsExported() && !sf.Anonymous) {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		idx := append(slices.Clone(index), i)
		if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
			collectFields(sf.Type, idx, out)
			continue
		}
		if name == "" {
			name = sf.Name
		}
		*out = append(*out, field{
			name:      name,
			key:       quoted(name) + ":",
			index:     idx,
			omitEmpty: strings.Contains(","+opts+",", ",omitempty,"),
			omitZero:  strings.Contains(","+opts+",", ",omitzero,"),
		})
	}
}

var marshalerType = reflect.TypeFor[json.Marshaler]()

// shows reports whether field f of a struct, holding fv, is written: what
// JSON would write, less what render never fills (creationTimestamp; at the
// top, status and an empty spec).
func shows(f *field, fv reflect.Value, top bool) bool {
	switch {
	case skip(f, fv), f.name == "creationTimestamp":
		return false
	case top && (f.name == "status" || (f.name == "spec" && fv.Kind() == reflect.Struct && fv.IsZero())):
		return false
	}
	return true
}

// structFields writes the fields of struct v as mapping entries and says
// how many; firstInline means the first entry continues a "- " already
// written.
func (w *yamlWriter) structFields(v reflect.Value, ti *typeInfo, indent int, firstInline, top bool) (int, error) {
	n := 0
	for i := range ti.fields {
		f := &ti.fields[i]
		var fv reflect.Value
		if len(f.index) == 1 {
			fv = v.Field(f.index[0])
		} else {
			fv = v.FieldByIndex(f.index)
		}
		if !shows(f, fv, top) {
			continue
		}
		if n > 0 || !firstInline {
			w.pad(indent)
		}
		n++
		w.put(f.key)
		if err := w.typedValue(fv, f.info, indent); err != nil {
			return n, fmt.Errorf("%s: %w", f.name, err)
		}
	}
	return n, nil
}

func skip(f *field, v reflect.Value) bool {
	if f.omitZero && v.IsZero() {
		return true
	}
	return f.omitEmpty && isEmptyValue(v)
}

// isEmptyValue is encoding/json's omitempty rule.
func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}
