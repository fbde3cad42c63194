package check

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/ha"
	"ferry.dev/ferry/internal/ha/kops"
)

// maxSpecSize bounds one kops file; real specs are a few kilobytes.
const maxSpecSize = 8 << 20

func newKopsCommand(streams clio.Streams) *cobra.Command {
	var o common
	cmd := &cobra.Command{
		Use:   "kops FILE...",
		Short: "Check a kops cluster spec (kops get cluster -o yaml, kops get ig -o yaml)",
		Example: `  kops get cluster -o yaml > cluster.yaml
  kops get ig -o yaml > ig.yaml
  ferry check kops cluster.yaml ig.yaml --require zone
  cat cluster.yaml ig.yaml | ferry check kops - -o json`,
		Args: func(cmd *cobra.Command, args []string) error {
			return clio.Usage(cobra.MinimumNArgs(1)(cmd, args))
		},
		RunE: func(_ *cobra.Command, args []string) error {
			require, err := o.validate()
			if err != nil {
				return err
			}
			files, err := readFiles(streams.In, args)
			if err != nil {
				return clio.Usage(err)
			}
			c, err := kops.Read(files...)
			if err != nil {
				return clio.Usage(fmt.Errorf("reading the kops spec:\n%w", err))
			}
			return finish(streams, o, require, "kops spec", ha.Analyze(c))
		},
	}
	o.bind(cmd)
	return cmd
}

// readFiles reads each path ("-" is stdin), refusing a file given twice:
// its groups would otherwise be reported as defined twice, at one place.
func readFiles(stdin io.Reader, paths []string) ([]kops.File, error) {
	if err := sameFileTwice(paths); err != nil {
		return nil, err
	}
	files := make([]kops.File, 0, len(paths))
	for _, p := range paths {
		var data []byte
		var err error
		if p == "-" {
			data, err = io.ReadAll(io.LimitReader(stdin, maxSpecSize+1))
			p = "(stdin)"
		} else {
			data, err = os.ReadFile(p)
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", p, err)
		}
		if len(data) > maxSpecSize {
			return nil, fmt.Errorf("%s: larger than %d bytes, not a kops spec", p, maxSpecSize)
		}
		files = append(files, kops.File{Name: p, Data: data})
	}
	return files, nil
}

// sameFileTwice reports a path that names a file already given, however
// it is spelled (./a.yaml and a.yaml, a link and its target), and stdin
// given twice.
func sameFileTwice(paths []string) error {
	type given struct {
		path string
		info os.FileInfo // nil for stdin or a file that cannot be read
	}
	var seen []given
	for _, p := range paths {
		var info os.FileInfo
		if p != "-" {
			info, _ = os.Stat(p) // a missing file is reported when it is read
		}
		for _, g := range seen {
			same := g.path == p || (p != "-" && g.path != "-" && filepath.Clean(g.path) == filepath.Clean(p)) ||
				(g.info != nil && info != nil && os.SameFile(g.info, info))
			switch {
			case !same:
			case p == "-":
				return errors.New("- (stdin) is given twice; pass each file once")
			case g.path == p:
				return fmt.Errorf("%s is given twice; pass each file once", p)
			default:
				return fmt.Errorf("%s and %s are the same file; pass each file once", g.path, p)
			}
		}
		seen = append(seen, given{p, info})
	}
	return nil
}
