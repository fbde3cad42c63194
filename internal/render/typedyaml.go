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
	_, err := w.structFields(v, 0, false, true)
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
}

// typeInfo is what the writer needs to know of a type, worked out once.
type typeInfo struct {
	fields []field // structs: sorted by name
	// marshals: the value (1) or its address (2) implements json.Marshaler.
	marshals int
}

var typeCache sync.Map // reflect.Type → *typeInfo

func infoOf(t reflect.Type) *typeInfo {
	if ti, ok := typeCache.Load(t); ok {
		return ti.(*typeInfo)
	}
	ti := &typeInfo{}
	switch {
	case t.Implements(marshalerType):
		ti.marshals = 1
	case reflect.PointerTo(t).Implements(marshalerType):
		ti.marshals = 2
	}
	if t.Kind() == reflect.Struct {
		collectFields(t, nil, &ti.fields)
		slices.SortFunc(ti.fields, func(a, b field) int { return strings.Compare(a.name, b.name) })
	}
	typeCache.Store(t, ti)
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
func (w *yamlWriter) structFields(v reflect.Value, indent int, firstInline, top bool) (int, error) {
	fields := w.info(v.Type()).fields
	n := 0
	for i := range fields {
		f := &fields[i]
		fv := v.FieldByIndex(f.index)
		if !shows(f, fv, top) {
			continue
		}
		if n > 0 || !firstInline {
			w.pad(indent)
		}
		n++
		w.buf.WriteString(f.key)
		if err := w.typedValue(fv, indent); err != nil {
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
