package spec

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Pos is a place in the file, 1-based.
type Pos struct {
	Line, Col int
}

// Problem is one thing wrong with the file.
type Problem struct {
	File string
	Pos  Pos
	// Service is the service the problem belongs to, if any.
	Service string
	// Field is the path of the field within the service, or within the file
	// for file-wide fields ("image", "defaults.namespace").
	Field   string
	Message string
}

// Error formats p as FILE:LINE:COL: service "api": field: message.
func (p Problem) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d:%d: ", p.File, p.Pos.Line, p.Pos.Col)
	if p.Service != "" {
		fmt.Fprintf(&b, "service %q: ", p.Service)
	}
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// ProblemList is every problem found in one file, in file order.
type ProblemList []Problem

func (l ProblemList) Error() string {
	lines := make([]string, len(l))
	for i, p := range l {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

func (l ProblemList) sorted() ProblemList {
	slices.SortStableFunc(l, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Col, b.Pos.Col))
	})
	return l
}
