package clio

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/pflag"
)

// Format is how a command prints its result: for people, or for machines.
type Format string

// The formats a command may offer through AddOutputFlag.
const (
	// Table is for people: tables and sentences, perhaps in colour.
	Table Format = "table"
	// JSON is for machines; write it with WriteJSON.
	JSON Format = "json"
	// YAML is for machines and for kubectl.
	YAML Format = "yaml"
)

// AddOutputFlag registers -o/--output on fs, storing into format. formats
// are those the command can print, its default first. Any other value is
// refused while the flags are parsed, with exit status 2 (Usage), before
// the command runs (FlagError words the message). An empty value means the
// default.
func AddOutputFlag(fs *pflag.FlagSet, format *Format, formats ...Format) {
	if len(formats) == 0 {
		panic("clio.AddOutputFlag: a command prints at least one format")
	}
	*format = formats[0]
	fs.VarP(&outputValue{format: format, formats: formats}, "output", "o", "output format: "+orList(formats))
}

// outputValue is the pflag.Value behind AddOutputFlag.
type outputValue struct {
	format  *Format
	formats []Format
}

func (v *outputValue) String() string { return string(*v.format) }

func (v *outputValue) Type() string { return "format" }

func (v *outputValue) Set(s string) error {
	f := Format(s)
	if f == "" {
		f = v.formats[0]
	}
	if !slices.Contains(v.formats, f) {
		return Usage(fmt.Errorf("--output %q: want %s", s, orList(v.formats)))
	}
	*v.format = f
	return nil
}

// orList is "a", "a or b", "a, b or c".
func orList(formats []Format) string {
	s := make([]string, len(formats))
	for i, f := range formats {
		s[i] = string(f)
	}
	if len(s) == 1 {
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}
