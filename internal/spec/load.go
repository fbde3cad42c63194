package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"gopkg.in/yaml.v3"

	"ferry.dev/ferry/api/v1alpha1"
)

// MaxFileSize bounds what Load reads: a service file is short by design.
const MaxFileSize = 4 << 20

// LoadFile reads and loads the file at path; "-" reads stdin.
func LoadFile(path string, stdin io.Reader) (*File, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(io.LimitReader(stdin, MaxFileSize+1))
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return Load(path, data)
}

// Load decodes data strictly, applies defaults and validates. The error, if
// any, is a ProblemList naming every problem with its position in name.
func Load(name string, data []byte) (*File, error) {
	if f, ok := loadParallel(name, data); ok {
		return f, nil
	}
	return loadOne(name, data)
}

// loadOne is Load on one core: the reference that loadParallel gives way
// to.
func loadOne(name string, data []byte) (*File, error) {
	raw, pos, err := decode(name, data)
	if raw == nil {
		return nil, err
	}
	// Check what did decode even when some fields did not, so one run
	// reports every problem in the file.
	c := &checker{file: name, pos: positions{pos}}
	f := c.convert(raw)
	if problems := append(typeProblems(err), c.problems...); len(problems) > 0 {
		return nil, problems.sorted()
	}
	f.Path = name
	f.Source = data
	f.pos = positions{pos}
	return f, nil
}

// Decode reads data into the public file format without defaults or
// validation beyond types; Load is what commands use.
func Decode(name string, data []byte) (*v1alpha1.File, error) {
	raw, _, err := decode(name, data)
	if err != nil {
		return nil, err
	}
	return raw, nil
}

func typeProblems(err error) ProblemList {
	var l ProblemList
	if errors.As(err, &l) {
		return l
	}
	return nil
}

// decode returns the file as far as it decoded, where each field was, and
// the type problems found; the file is nil only when the YAML itself is
// unreadable.
func decode(name string, data []byte) (*v1alpha1.File, map[string]Pos, error) {
	if len(data) > MaxFileSize {
		return nil, nil, ProblemList{{File: name, Pos: Pos{1, 1}, Message: fmt.Sprintf("file is larger than %d bytes", MaxFileSize)}}
	}
	root, err := parseOne(name, data)
	if err != nil {
		return nil, nil, err
	}
	d := &decoder{file: name, pos: map[string]Pos{}}
	var raw v1alpha1.File
	d.decode(root, reflectValue(&raw), "")
	if len(d.problems) > 0 {
		return &raw, d.pos, d.problems
	}
	return &raw, d.pos, nil
}

// parseOne parses exactly one YAML document into its root node.
func parseOne(name string, data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, ProblemList{{File: name, Pos: Pos{1, 1}, Message: "file is empty; run \"ferry init\" for an example"}}
		}
		return nil, syntaxProblem(name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, ProblemList{{File: name, Pos: Pos{extra.Line, extra.Column}, Message: "a ferry file holds one YAML document; put every service under services:"}}
	} else if !errors.Is(err, io.EOF) {
		return nil, syntaxProblem(name, err)
	}
	if len(doc.Content) == 0 {
		return nil, ProblemList{{File: name, Pos: Pos{1, 1}, Message: "file is empty; run \"ferry init\" for an example"}}
	}
	return doc.Content[0], nil
}

// syntaxProblem turns yaml.v3's "yaml: line N: message" into a Problem.
func syntaxProblem(name string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		var n int
		if _, scanErr := fmt.Sscanf(rest, "%d:", &n); scanErr == nil {
			line = n
			_, msg, _ = strings.Cut(rest, ": ")
		}
	}
	return ProblemList{{File: name, Pos: Pos{line, 1}, Message: "invalid YAML: " + msg}}
}
