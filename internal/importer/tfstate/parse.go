package tfstate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Form says which of the accepted forms a file was.
type Form string

// Forms Parse accepts.
const (
	// FormShowState is `terraform show -json` of a state.
	FormShowState Form = "terraform show -json (state)"
	// FormShowPlan is `terraform show -json` of a saved plan; its
	// prior_state is read, which is the state the plan started from.
	FormShowPlan Form = "terraform show -json (plan, prior_state)"
	// FormStateV4 is a raw state file of version 4.
	FormStateV4 Form = "state file version 4"
)

// State is one parsed input.
type State struct {
	// File names the input in messages ("-" for standard input).
	File string
	// Form is how the input was written.
	Form Form
	// TerraformVersion is the version that wrote it, as it says.
	TerraformVersion string
	// Resources are every resource instance, in file order.
	Resources []Resource
}

// Resource is one resource instance with its attributes.
type Resource struct {
	// File is the input it was read from.
	File string `json:"file"`
	// Address is the full address, like module.web.aws_lb.front[0].
	Address string `json:"address"`
	// Module is the module path ("" for the root module).
	Module string `json:"module,omitempty"`
	// Mode is "managed" or "data".
	Mode string `json:"mode"`
	// Type and Name are the resource's type and local name.
	Type string `json:"type"`
	Name string `json:"name"`
	// Key is the instance key as written in an address: "" (none), "0"
	// (count) or "\"blue\"" (for_each).
	Key string `json:"key,omitempty"`
	// Attrs are the attributes; numbers are json.Number.
	Attrs map[string]any `json:"-"`
}

// ResourceAddress is Address without the instance key: what a `removed`
// block's from names.
func (r Resource) ResourceAddress() string {
	if r.Key == "" {
		return r.Address
	}
	return strings.TrimSuffix(r.Address, "["+r.Key+"]")
}

// FormatError is input that is none of the accepted forms.
type FormatError struct {
	File    string
	Problem string
}

func (e *FormatError) Error() string { return e.File + ": " + e.Problem }

// Parse reads one input. file names it in errors and in each Resource.
func Parse(file string, data []byte) (*State, error) {
	top, err := decodeObject(file, data)
	if err != nil {
		return nil, err
	}
	bad := func(format string, args ...any) error {
		return &FormatError{File: file, Problem: fmt.Sprintf(format, args...)}
	}
	_, hasVersion := top["version"]
	_, hasFormat := top["format_version"]
	switch {
	case hasVersion && hasFormat:
		return nil, bad(`has both "version" and "format_version": neither a state file nor terraform show -json output`)
	case hasVersion:
		return parseStateFile(file, top)
	case hasFormat:
		return parseShow(file, top)
	}
	return nil, bad(`not Terraform state: no "version" (a .tfstate file) or "format_version" (terraform show -json output) at the top level; found %s`, keyList(top))
}

// decodeObject decodes data as one JSON object, telling a truncated file
// from other broken JSON.
func decodeObject(file string, data []byte) (map[string]any, error) {
	bad := func(format string, args ...any) error {
		return &FormatError{File: file, Problem: fmt.Sprintf(format, args...)}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, bad("empty: no JSON at all")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	var syntax *json.SyntaxError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, bad("truncated: the JSON ends after %d bytes, before the document is complete", len(data))
	case errors.As(err, &syntax):
		return nil, bad("not JSON: %v at byte %d", err, syntax.Offset)
	case err != nil:
		return nil, bad("not JSON: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, bad("more than one JSON value (something follows the document at byte %d)", dec.InputOffset())
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, bad("not Terraform state: the top level is %s, not an object", kind(v))
	}
	return obj, nil
}

func kind(v any) string {
	switch v.(type) {
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func keyList(m map[string]any) string {
	if len(m) == 0 {
		return "an empty object"
	}
	keys := sortedKeys(m)
	if len(keys) > 5 {
		keys = append(keys[:5], "…")
	}
	return "fields " + strings.Join(keys, ", ")
}

// instanceKey writes an index the way an address does.
func instanceKey(v any) (string, error) {
	switch k := v.(type) {
	case nil:
		return "", nil
	case json.Number:
		if _, err := strconv.Atoi(k.String()); err != nil {
			return "", fmt.Errorf("index %s is not a whole number", k)
		}
		return k.String(), nil
	case string:
		return strconv.Quote(k), nil
	}
	return "", fmt.Errorf("index is %s, not a number or a string", kind(v))
}

func address(module, mode, typ, name, key string) string {
	a := typ + "." + name
	if mode == "data" {
		a = "data." + a
	}
	if module != "" {
		a = module + "." + a
	}
	if key != "" {
		a += "[" + key + "]"
	}
	return a
}
