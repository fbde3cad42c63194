package render

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// typedValue writes what follows "key:" for v, of the type ti describes.
func (w *yamlWriter) typedValue(v reflect.Value, ti *typeInfo, indent int) error {
	switch ti.kind {
	case reflect.Interface:
		if v.IsNil() {
			w.put(" null\n")
			return nil
		}
		if ti.marshals != 1 {
			e := v.Elem()
			return w.typedValue(e, infoOf(e.Type()), indent)
		}
	case reflect.Pointer:
		if v.IsNil() {
			w.put(" null\n")
			return nil
		}
		if ti.marshals != 1 || ti.elem.known {
			return w.typedValue(v.Elem(), ti.elem, indent)
		}
	}
	if ti.known && w.known(v) {
		return nil
	}
	if m, ok := asMarshaler(v, ti); ok {
		return w.marshaled(m)
	}
	switch ti.kind {
	case reflect.Struct:
		return w.typedStruct(v, ti, indent, false)
	case reflect.Map:
		return w.typedMap(v, ti, indent)
	case reflect.Slice, reflect.Array:
		return w.typedSlice(v, ti, indent)
	}
	w.putByte(' ')
	if err := w.typedScalar(v); err != nil {
		return err
	}
	w.putByte('\n')
	return nil
}

// typedStruct writes a struct after "key:" (inline false) or "-" (inline
// true) as a mapping, or {} when it has no field to write: found by
// writing them and taking back the separator if none was.
func (w *yamlWriter) typedStruct(v reflect.Value, ti *typeInfo, indent int, inline bool) error {
	mark := len(w.buf)
	if inline {
		w.putByte(' ')
	} else {
		w.putByte('\n')
	}
	n, err := w.structFields(v, ti, indent+2, inline, false)
	if err == nil && n == 0 {
		w.buf = w.buf[:mark]
		w.put(" {}\n")
	}
	return err
}

func (w *yamlWriter) typedMap(v reflect.Value, ti *typeInfo, indent int) error {
	if ti.stringMap {
		return w.stringMap(v.Interface().(map[string]string), indent)
	}
	if v.Len() == 0 {
		if v.IsNil() {
			w.put(" null\n")
		} else {
			w.put(" {}\n")
		}
		return nil
	}
	keys := v.MapKeys()
	slices.SortFunc(keys, func(a, b reflect.Value) int {
		return compareStrings(a.String(), b.String())
	})
	w.putByte('\n')
	for _, k := range keys {
		w.pad(indent + 2)
		w.scalar(k.String())
		w.putByte(':')
		if err := w.typedValue(v.MapIndex(k), ti.elem, indent+2); err != nil {
			return err
		}
	}
	return nil
}

var stringMapType = reflect.TypeFor[map[string]string]()

// stringMap is typedMap for labels, annotations and selectors, without
// reflection.
func (w *yamlWriter) stringMap(m map[string]string, indent int) error {
	if len(m) == 0 {
		if m == nil {
			w.put(" null\n")
		} else {
			w.put(" {}\n")
		}
		return nil
	}
	// Entries are taken out whole, so values need no second lookup, into
	// room on the stack for the usual handful of labels.
	entries := make([][2]string, 0, 8)
	for k, v := range m {
		entries = append(entries, [2]string{k, v})
	}
	slices.SortFunc(entries, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	w.putByte('\n')
	for _, e := range entries {
		w.pad(indent + 2)
		w.str(e[0])
		w.put(": ")
		w.str(e[1])
		w.putByte('\n')
	}
	return nil
}

func (w *yamlWriter) typedSlice(v reflect.Value, ti *typeInfo, indent int) error {
	if ti.kind == reflect.Slice && v.IsNil() {
		w.put(" null\n")
		return nil
	}
	if ti.elem.kind == reflect.Uint8 {
		w.putByte(' ')
		w.scalar(base64.StdEncoding.EncodeToString(v.Bytes()))
		w.putByte('\n')
		return nil
	}
	if v.Len() == 0 {
		w.put(" []\n")
		return nil
	}
	w.putByte('\n')
	for i := range v.Len() {
		if err := w.typedItem(v.Index(i), ti.elem, indent); err != nil {
			return err
		}
	}
	return nil
}

func (w *yamlWriter) typedItem(item reflect.Value, ti *typeInfo, indent int) error {
	for ti.kind == reflect.Pointer && !item.IsNil() && ti.marshals != 1 {
		item, ti = item.Elem(), ti.elem
	}
	w.pad(indent)
	w.putByte('-')
	if ti.kind == reflect.Struct && ti.marshals == 0 {
		return w.typedStruct(item, ti, indent, true)
	}
	return w.typedValue(item, ti, indent+2)
}

func (w *yamlWriter) typedScalar(v reflect.Value) error {
	switch v.Kind() {
	case reflect.String:
		w.str(v.String())
	case reflect.Bool:
		w.put(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		w.put(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		w.put(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		w.put(strconv.FormatFloat(v.Float(), 'g', -1, v.Type().Bits()))
	default:
		return fmt.Errorf("no YAML form for %s", v.Type())
	}
	return nil
}

// known writes the custom-marshalled types that fill API objects without
// the round trip through their JSON form; it reports whether v was one.
func (w *yamlWriter) known(v reflect.Value) bool {
	if !isKnown(v.Type()) || !v.CanInterface() {
		return false
	}
	switch t := v.Interface().(type) {
	case resource.Quantity:
		w.putByte(' ')
		w.str(t.String())
	case intstr.IntOrString:
		w.putByte(' ')
		if t.Type == intstr.Int {
			w.put(strconv.Itoa(int(t.IntVal)))
		} else {
			w.str(t.StrVal)
		}
	default:
		return false
	}
	w.putByte('\n')
	return true
}

var (
	quantityType    = reflect.TypeFor[resource.Quantity]()
	intOrStringType = reflect.TypeFor[intstr.IntOrString]()
)

// isKnown reports whether known writes values of type t, so a pointer to
// one is followed rather than marshalled to JSON and read back.
func isKnown(t reflect.Type) bool { return t == quantityType || t == intOrStringType }

// asMarshaler returns v's own JSON form, if it has one.
func asMarshaler(v reflect.Value, ti *typeInfo) (json.Marshaler, bool) {
	switch ti.marshals {
	case 1:
		m, ok := v.Interface().(json.Marshaler)
		return m, ok
	case 2:
		if v.CanAddr() {
			m, ok := v.Addr().Interface().(json.Marshaler)
			return m, ok
		}
	}
	return nil, false
}

// marshaled writes a value with its own JSON form (Quantity, IntOrString,
// Time): only scalars occur in API types.
func (w *yamlWriter) marshaled(m json.Marshaler) error {
	data, err := m.MarshalJSON()
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var s any
	if err := dec.Decode(&s); err != nil {
		return err
	}
	switch s.(type) {
	case map[string]any, []any:
		return fmt.Errorf("%T marshals to a composite value", m)
	}
	w.putByte(' ')
	w.scalar(s)
	w.putByte('\n')
	return nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
