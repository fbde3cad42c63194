package clio

import (
	"io"
	"os"

	"golang.org/x/term"
)

// Streams are the standard streams a command reads and writes. Results go to
// Out; progress, warnings and errors go to ErrOut.
type Streams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
}

// StdStreams are the process's standard streams.
func StdStreams() Streams {
	return Streams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
}

// IsTerminal reports whether w is a terminal, so commands only draw live
// progress and colours where a person is watching.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
