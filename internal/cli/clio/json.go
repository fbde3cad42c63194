package clio

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// WriteJSON writes v for machines, as every command's -o json does: indented
// by two spaces, one trailing newline, and every time.Duration as a Go
// duration string ("1m30s") rather than encoding/json's nanoseconds.
// Everything else is written exactly as encoding/json writes it (json tags,
// omitempty, omitzero, embedded structs, Marshalers). A failed write is
// marked Failed (exit status 1).
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(durationsAsStrings(v)); err != nil {
		return Failed(fmt.Errorf("writing JSON: %w", err))
	}
	return nil
}

var (
	durationType      = reflect.TypeFor[time.Duration]()
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	isZeroerType      = reflect.TypeFor[interface{ IsZero() bool }]()
)

// durationsAsStrings is v, or when v holds a duration, a copy in which
// every duration is a string, for encoding/json to write. Most values hold
// none (a rendered List of objects is large); they are only looked through,
// never copied.
func durationsAsStrings(v any) any {
	if !hasDuration(v) {
		return v
	}
	return readable(reflect.ValueOf(v))
}

// hasDuration reports whether encoding/json would reach a time.Duration
// while writing v by reflection. Decoded JSON (maps, slices, scalars) is
// looked through without reflection.
func hasDuration(v any) bool {
	switch v := v.(type) {
	case nil, string, bool, float64, json.Number:
		return false
	case time.Duration:
		return true
	case map[string]any:
		for _, e := range v {
			if hasDuration(e) {
				return true
			}
		}
		return false
	case []any:
		return slices.ContainsFunc(v, hasDuration)
	case []map[string]any:
		return slices.ContainsFunc(v, func(m map[string]any) bool { return hasDuration(m) })
	}
	return valueHasDuration(reflect.ValueOf(v))
}

func valueHasDuration(v reflect.Value) bool {
	if !v.IsValid() || !mayHoldDuration(v.Type()) {
		return false
	}
	switch v.Kind() {
	case reflect.Pointer:
		return !v.IsNil() && valueHasDuration(v.Elem())
	case reflect.Interface:
		if !v.CanInterface() { // under an unexported embedded struct: let readable decide
			return true
		}
		return !v.IsNil() && hasDuration(v.Elem().Interface())
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			if f := t.Field(i); (f.IsExported() || f.Anonymous) && valueHasDuration(v.Field(i)) {
				return true
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if valueHasDuration(it.Value()) {
				return true
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if valueHasDuration(v.Index(i)) {
				return true
			}
		}
	default:
		return v.Type() == durationType
	}
	return false
}

// holdsCache remembers mayHoldDuration per type.
var holdsCache sync.Map // reflect.Type → bool

// mayHoldDuration reports whether encoding/json could reach a
// time.Duration while writing a value of type t by reflection (not through
// a Marshaler). Interfaces may hold anything.
func mayHoldDuration(t reflect.Type) bool {
	if h, ok := holdsCache.Load(t); ok {
		return h.(bool)
	}
	h := holds(t, map[reflect.Type]bool{})
	holdsCache.Store(t, h)
	return h
}

func holds(t reflect.Type, seen map[reflect.Type]bool) bool {
	if t == durationType {
		return true
	}
	if seen[t] || marshals(t) {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return holds(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); (f.IsExported() || f.Anonymous) && holds(f.Type, seen) {
				return true
			}
		}
	}
	return false
}

// marshals reports whether t or *t writes itself as JSON or text.
func marshals(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return t.Implements(marshalerType) || t.Implements(textMarshalerType) ||
		p.Implements(marshalerType) || p.Implements(textMarshalerType)
}

// readable is v as encoding/json would see it, durations turned into
// strings. Parts that cannot hold a duration are left to encoding/json.
func readable(v reflect.Value) any {
	switch {
	case !v.IsValid():
		return nil
	case v.Type() == durationType:
		return time.Duration(v.Int()).String()
	case !mayHoldDuration(v.Type()):
		return asIs(v)
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return readable(v.Elem())
	case reflect.Struct:
		if o, ok := readableStruct(v, nil); ok && o.unique() {
			return o
		}
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		m := make(map[string]any, v.Len())
		for it := v.MapRange(); it.Next(); {
			m[mapKey(it.Key())] = readable(it.Value())
		}
		return m
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return nil
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = readable(v.Index(i))
		}
		return out
	}
	return asIs(v)
}

// asIs hands v to encoding/json unchanged; an addressable value goes by
// pointer, so that Marshalers with pointer receivers run as they would.
func asIs(v reflect.Value) any {
	if v.CanAddr() {
		return v.Addr().Interface()
	}
	return v.Interface()
}

// readableStruct appends v's fields to o in encoding/json's order,
// flattening untagged embedded structs. It reports false for what it does
// not mirror (fields encoded ",string", exported fields promoted from an
// unexported embedded struct, which reflection may not read), and the
// struct is then left to encoding/json, durations and all.
func readableStruct(v reflect.Value, o object) (object, bool) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		fv := v.Field(i)
		if f.Anonymous && name == "" && indirect(f.Type).Kind() == reflect.Struct {
			if !f.IsExported() {
				return nil, false
			}
			if fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					continue
				}
				fv = fv.Elem()
			}
			var ok bool
			if o, ok = readableStruct(fv, o); !ok {
				return nil, false
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if hasOption(opts, "string") {
			return nil, false
		}
		if hasOption(opts, "omitempty") && isEmpty(fv) || hasOption(opts, "omitzero") && isZero(fv) {
			continue
		}
		if name == "" {
			name = f.Name
		}
		o = append(o, field{name, readable(fv)})
	}
	return o, true
}

func indirect(t reflect.Type) reflect.Type {
	if t.Kind() == reflect.Pointer {
		return t.Elem()
	}
	return t
}

func hasOption(opts, want string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == want {
			return true
		}
	}
	return false
}

// isEmpty is encoding/json's omitempty test.
func isEmpty(v reflect.Value) bool {
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

// isZero is encoding/json's omitzero test: the type's IsZero method when
// it has one, else the zero value.
func isZero(v reflect.Value) bool {
	t := v.Type()
	switch {
	case t.Implements(isZeroerType):
		if t.Kind() == reflect.Pointer && v.IsNil() {
			return true
		}
		return v.Interface().(interface{ IsZero() bool }).IsZero()
	case reflect.PointerTo(t).Implements(isZeroerType):
		if !v.CanAddr() {
			c := reflect.New(t).Elem()
			c.Set(v)
			v = c
		}
		return v.Addr().Interface().(interface{ IsZero() bool }).IsZero()
	}
	return v.IsZero()
}

// mapKey is the object key encoding/json writes for a map key.
func mapKey(k reflect.Value) string {
	if k.Kind() == reflect.String {
		return k.String()
	}
	if tm, ok := k.Interface().(encoding.TextMarshaler); ok {
		if b, err := tm.MarshalText(); err == nil {
			return string(b)
		}
	}
	switch k.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(k.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(k.Uint(), 10)
	}
	return fmt.Sprint(k.Interface())
}

type field struct {
	key   string
	value any
}

// object is a JSON object that keeps its fields' order.
type object []field

// unique reports whether no key repeats; encoding/json's rules for fields
// of one name at several depths are not mirrored, so such a struct is left
// to encoding/json.
func (o object) unique() bool {
	seen := make(map[string]bool, len(o))
	for _, f := range o {
		if seen[f.key] {
			return false
		}
		seen[f.key] = true
	}
	return true
}

// MarshalJSON writes the fields in order.
func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(f.key)
		if err != nil {
			return nil, err
		}
		val, err := json.Marshal(f.value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(val)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
