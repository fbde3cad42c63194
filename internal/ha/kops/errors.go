package kops

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"sync"
)

// Error is one problem in a kops file, at a line (0 when the problem is the
// file as a whole).
type Error struct {
	// File is the input's name as given (a path, or "(stdin)").
	File string
	// Line is the 1-based line the problem is on; 0 for the whole file.
	Line int
	// Msg says what is wrong, without the position.
	Msg string
}

// Error renders the problem as "file:line: message" (or "file: message"
// when the line is 0), the form editors jump to.
func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// problems collects every Error of a read.
type problems struct{ errs []error }

func (p *problems) add(file string, line int, format string, args ...any) {
	p.errs = append(p.errs, &Error{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// err joins the problems, ordered by file and line.
func (p *problems) err() error {
	slices.SortStableFunc(p.errs, func(a, b error) int {
		var x, y *Error
		if !errors.As(a, &x) || !errors.As(b, &y) {
			return 0
		}
		return cmp.Or(cmp.Compare(x.File, y.File), cmp.Compare(x.Line, y.Line))
	})
	return errors.Join(p.errs...)
}

var yamlLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`) })

// addYAML turns a yaml.v3 error ("yaml: line 3: ...", or a TypeError's
// "line 3: cannot unmarshal ...") into file:line problems.
func (p *problems) addYAML(file string, msgs ...string) {
	for _, m := range msgs {
		if g := yamlLine().FindStringSubmatch(m); g != nil {
			n, _ := strconv.Atoi(g[1])
			p.add(file, n, "%s", g[2])
			continue
		}
		p.add(file, 0, "%s", m)
	}
}
