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

// positions maps field paths ("services.api.image") to where their values
// start. A file loaded on several cores keeps each core's map as it is:
// the paths of different services never meet, and joining the maps cost
// more than a tenth of the load.
type positions []map[string]Pos

// at is where path was written, if it was.
func (ps positions) at(path string) (Pos, bool) {
	for _, m := range ps {
		if p, ok := m[path]; ok {
			return p, true
		}
	}
	return Pos{}, false
}

// lookup finds where path (or, if it was not written, its nearest written
// parent) is in the file.
func lookup(pos positions, path string) Pos {
	for {
		if p, ok := pos.at(path); ok {
			return p
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	if p, ok := pos.at(""); ok {
		return p
	}
	return Pos{1, 1}
}
