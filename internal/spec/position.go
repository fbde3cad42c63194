package spec

import (
	"reflect"
	"strings"
)

func reflectValue(p any) reflect.Value { return reflect.ValueOf(p).Elem() }

// newProblem splits a field path into the service it belongs to and the
// field within it: "services.api.image" is service "api", field "image".
func newProblem(file string, pos Pos, path, msg string) Problem {
	path = strings.TrimSuffix(path, "#key") // a problem with a key itself
	p := Problem{File: file, Pos: pos, Field: path, Message: msg}
	if rest, ok := strings.CutPrefix(path, "services."); ok {
		p.Service, p.Field, _ = strings.Cut(rest, ".")
	}
	return p
}

// lookup finds where path (or, if it was not written, its nearest written
// parent) is in the file.
func lookup(pos map[string]Pos, path string) Pos {
	for {
		if p, ok := pos[path]; ok {
			return p
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	if p, ok := pos[""]; ok {
		return p
	}
	return Pos{1, 1}
}
