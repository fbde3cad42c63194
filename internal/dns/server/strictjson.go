package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// shape is what a JSON value of the admin API may look like: an object's
// fields (each with its own shape) and which of them must be there, or an
// array's elements. A nil shape accepts any value.
type shape struct {
	fields   map[string]*shape
	required []string
	elem     *shape
}

// recordSetShape is dns.RecordSet as the admin API takes it. name and type
// may be left out (the path gives them); weight may not: an omitted weight
// would otherwise be 0, a real and very different instruction.
func recordSetShape() *shape {
	set := &shape{fields: map[string]*shape{"id": nil, "weight": nil, "values": nil}, required: []string{"id", "weight", "values"}}
	return &shape{
		fields:   map[string]*shape{"name": nil, "type": nil, "ttl": nil, "sets": {elem: set}},
		required: []string{"ttl", "sets"},
	}
}

// checkShape refuses what encoding/json would read loosely: a field name
// in another case ("TTL" for "ttl"), a key given twice (the last would
// silently win), an unknown field and a required field left out. Every
// problem is returned at once, each with its path (sets[1].weight).
// Syntax and type errors are left to the decoder.
func checkShape(body []byte, s *shape) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var errs []error
	if err := walkShape(dec, s, "", &errs); err != nil {
		return nil // malformed JSON: the decoder names it better
	}
	return errors.Join(errs...)
}

func walkShape(dec *json.Decoder, s *shape, path string, errs *[]error) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		return walkObject(dec, s, path, errs)
	case json.Delim('['):
		var elem *shape
		if s != nil {
			elem = s.elem
		}
		for i := 0; dec.More(); i++ {
			if err := walkShape(dec, elem, fmt.Sprintf("%s[%d]", path, i), errs); err != nil {
				return err
			}
		}
		_, err = dec.Token() // ]
		return err
	}
	return nil
}

func walkObject(dec *json.Decoder, s *shape, path string, errs *[]error) error {
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		field := strings.TrimPrefix(path+"."+key, ".")
		var sub *shape
		switch known := s != nil && s.fields != nil; {
		case seen[key]:
			*errs = append(*errs, fmt.Errorf("%s: given twice", field))
		case known && !hasField(s, key):
			*errs = append(*errs, fmt.Errorf("%s: %s", field, unknownField(s, key)))
		case known:
			sub = s.fields[key]
		}
		seen[key] = true
		if err := walkShape(dec, sub, field, errs); err != nil {
			return err
		}
	}
	if s != nil {
		for _, f := range s.required {
			if !seen[f] {
				*errs = append(*errs, fmt.Errorf("%s: is required", strings.TrimPrefix(path+"."+f, ".")))
			}
		}
	}
	_, err := dec.Token() // }
	return err
}

func hasField(s *shape, key string) bool {
	_, ok := s.fields[key]
	return ok
}

// unknownField says a key is not a field, naming the one it spells in
// another case.
func unknownField(s *shape, key string) string {
	names := make([]string, 0, len(s.fields))
	for f := range s.fields {
		if strings.EqualFold(f, key) {
			return fmt.Sprintf("unknown field (field names are exact: %q)", f)
		}
		names = append(names, f)
	}
	slices.Sort(names)
	return "unknown field (want " + strings.Join(names, ", ") + ")"
}
