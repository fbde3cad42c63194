package load

import (
	"errors"
	"fmt"

	"github.com/spf13/pflag"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/spec"
)

// DefaultFile is read when -f is not given.
const DefaultFile = "ferry.yaml"

// AddFlag registers -f/--file on fs, storing into path.
func AddFlag(fs *pflag.FlagSet, path *string) {
	fs.StringVarP(path, "file", "f", DefaultFile, `service file to read ("-" reads standard input)`)
}

// File loads and validates the file at path. Problems in the file are
// written to streams.ErrOut, one per line, and the returned error has exit
// status 2; a file that cannot be read also exits 2.
func File(streams clio.Streams, path string) (*spec.File, error) {
	f, err := spec.LoadFile(path, streams.In)
	if err == nil {
		return f, nil
	}
	var problems spec.ProblemList
	if errors.As(err, &problems) {
		return nil, Report(streams, path, problems)
	}
	return nil, clio.Usage(err)
}

// Report writes problems found in the file at path to streams.ErrOut, one
// per line, and a count, and returns the error of exit status 2.
func Report(streams clio.Streams, path string, problems spec.ProblemList) error {
	for _, p := range problems {
		fmt.Fprintln(streams.ErrOut, p.Error())
	}
	fmt.Fprintf(streams.ErrOut, "%s: %d %s\n", path, len(problems), plural(len(problems), "problem", "problems"))
	return clio.Usage(clio.ErrReported)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
