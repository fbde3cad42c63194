package v1alpha1

import (
	"encoding/json"
	"fmt"
)

// The types below also have a short form (a plain string), read by
// UnmarshalText from a service file. encoding/json refuses an object for a
// type with UnmarshalText, so these read both forms from JSON: what the API
// server stores for the custom resources is always the object form.

// UnmarshalJSON reads an Endpoint from "host" or {"address": "host", ...}.
func (e *Endpoint) UnmarshalJSON(b []byte) error {
	type plain Endpoint
	return unmarshalEither(b, e, (*plain)(e))
}

// UnmarshalJSON reads a Probe from "/path" or {"path": "/path", ...}.
func (p *Probe) UnmarshalJSON(b []byte) error {
	type plain Probe
	return unmarshalEither(b, p, (*plain)(p))
}

// UnmarshalJSON reads a SecretRef from "name" or {"name": "name", ...}.
func (s *SecretRef) UnmarshalJSON(b []byte) error {
	type plain SecretRef
	return unmarshalEither(b, s, (*plain)(s))
}

// UnmarshalJSON reads an IssuerRef from "name" or {"name": "name", ...}.
func (r *IssuerRef) UnmarshalJSON(b []byte) error {
	type plain IssuerRef
	return unmarshalEither(b, r, (*plain)(r))
}

type textUnmarshaler interface{ UnmarshalText([]byte) error }

// unmarshalEither decodes a JSON string through t's UnmarshalText and an
// object into obj (the same value without the methods).
func unmarshalEither(b []byte, t textUnmarshaler, obj any) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		return t.UnmarshalText([]byte(s))
	}
	if err := json.Unmarshal(b, obj); err != nil {
		return fmt.Errorf("decoding %T: %w", t, err)
	}
	return nil
}
