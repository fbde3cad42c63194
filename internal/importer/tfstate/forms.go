package tfstate

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// parseStateFile reads a raw state file: version 4 only, the format of
// every Terraform since 0.12.
func parseStateFile(file string, top map[string]any) (*State, error) {
	bad := func(format string, args ...any) error {
		return &FormatError{File: file, Problem: fmt.Sprintf(format, args...)}
	}
	v, ok := top["version"].(json.Number)
	if !ok {
		return nil, bad(`"version" is %s, not a number`, kind(top["version"]))
	}
	if v.String() != "4" {
		return nil, bad("state version %s: ferry reads version 4 (Terraform 0.12 and later); run `terraform show -json` with a current Terraform, or upgrade the state with one", v)
	}
	st := &State{File: file, Form: FormStateV4, TerraformVersion: str(top["terraform_version"])}
	list, ok := top["resources"].([]any)
	if !ok && top["resources"] != nil {
		return nil, bad(`"resources" is %s, not an array`, kind(top["resources"]))
	}
	for i, item := range list {
		rs, err := stateResource(file, item)
		if err != nil {
			return nil, bad("resources[%d]: %v", i, err)
		}
		st.Resources = append(st.Resources, rs...)
	}
	return st, nil
}

func stateResource(file string, item any) ([]Resource, error) {
	r, ok := item.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("is %s, not an object", kind(item))
	}
	head, err := header(r)
	if err != nil {
		return nil, err
	}
	head.File, head.Module = file, str(r["module"])
	instances, ok := r["instances"].([]any)
	if !ok {
		return nil, fmt.Errorf(`%s has no "instances" array`, head.Type+"."+head.Name)
	}
	var out []Resource
	for j, it := range instances {
		inst, ok := it.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("instances[%d] is %s, not an object", j, kind(it))
		}
		res := head
		if res.Key, err = instanceKey(inst["index_key"]); err != nil {
			return nil, fmt.Errorf("instances[%d]: %w", j, err)
		}
		if res.Attrs, err = attributes(inst["attributes"]); err != nil {
			return nil, fmt.Errorf("instances[%d]: %w", j, err)
		}
		res.Address = address(res.Module, res.Mode, res.Type, res.Name, res.Key)
		out = append(out, res)
	}
	return out, nil
}

// header reads the fields every resource has in both forms.
func header(r map[string]any) (Resource, error) {
	res := Resource{Mode: str(r["mode"]), Type: str(r["type"]), Name: str(r["name"])}
	switch {
	case res.Type == "":
		return res, fmt.Errorf(`no "type"`)
	case res.Name == "":
		return res, fmt.Errorf(`%s has no "name"`, res.Type)
	case res.Mode != "managed" && res.Mode != "data":
		return res, fmt.Errorf(`%s.%s: "mode" is %q, not managed or data`, res.Type, res.Name, res.Mode)
	}
	return res, nil
}

func attributes(v any) (map[string]any, error) {
	switch a := v.(type) {
	case map[string]any:
		return a, nil
	case nil:
		return map[string]any{}, nil
	}
	return nil, fmt.Errorf("attributes are %s, not an object", kind(v))
}

// parseShow reads `terraform show -json` output of a state or of a plan.
func parseShow(file string, top map[string]any) (*State, error) {
	bad := func(format string, args ...any) error {
		return &FormatError{File: file, Problem: fmt.Sprintf(format, args...)}
	}
	fv := str(top["format_version"])
	if major, _, _ := strings.Cut(fv, "."); major != "0" && major != "1" {
		return nil, bad("format_version %q: ferry reads terraform show -json format 0.x and 1.x", fv)
	}
	st := &State{File: file, Form: FormShowState, TerraformVersion: str(top["terraform_version"])}
	values, isState := top["values"]
	if _, isPlan := top["planned_values"]; isPlan && !isState {
		st.Form = FormShowPlan
		prior, ok := top["prior_state"].(map[string]any)
		if !ok {
			return nil, bad("a plan with no prior_state: nothing has been applied yet, so there is no legacy estate to import")
		}
		values = prior["values"]
	}
	if values == nil {
		return st, nil // an empty state shows only its format_version
	}
	v, ok := values.(map[string]any)
	if !ok {
		return nil, bad(`"values" is %s, not an object`, kind(values))
	}
	root, ok := v["root_module"].(map[string]any)
	if !ok && v["root_module"] != nil {
		return nil, bad(`"values.root_module" is %s, not an object`, kind(v["root_module"]))
	}
	var err error
	st.Resources, err = showModule(file, root, "", "values.root_module")
	if err != nil {
		return nil, bad("%v", err)
	}
	return st, nil
}

// showModule reads one module of show -json output and its children.
func showModule(file string, m map[string]any, module, path string) ([]Resource, error) {
	var out []Resource
	list, _ := m["resources"].([]any)
	for i, item := range list {
		r, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s.resources[%d] is %s, not an object", path, i, kind(item))
		}
		res, err := header(r)
		if err != nil {
			return nil, fmt.Errorf("%s.resources[%d]: %w", path, i, err)
		}
		res.File, res.Module = file, module
		if res.Key, err = instanceKey(r["index"]); err != nil {
			return nil, fmt.Errorf("%s.resources[%d]: %w", path, i, err)
		}
		if res.Attrs, err = attributes(r["values"]); err != nil {
			return nil, fmt.Errorf("%s.resources[%d]: %w", path, i, err)
		}
		res.Address = address(module, res.Mode, res.Type, res.Name, res.Key)
		out = append(out, res)
	}
	children, _ := m["child_modules"].([]any)
	for i, item := range children {
		c, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s.child_modules[%d] is %s, not an object", path, i, kind(item))
		}
		addr := str(c["address"])
		if addr == "" {
			return nil, fmt.Errorf(`%s.child_modules[%d] has no "address"`, path, i)
		}
		rs, err := showModule(file, c, addr, fmt.Sprintf("%s.child_modules[%d]", path, i))
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
	}
	return out, nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
