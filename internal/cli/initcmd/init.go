package initcmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/load"
	"ferry.dev/ferry/internal/spec"
)

// NewCommand returns "ferry init".
func NewCommand(streams clio.Streams) *cobra.Command {
	var path string
	var force bool
	cmd := &cobra.Command{
		Use:   "init [-f FILE] [--force]",
		Short: "Write a commented example ferry.yaml to start from",
		Example: `  ferry init && ferry render
  ferry init -f services/shop.yaml
  ferry init -f - > ferry.yaml`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if path == "-" {
				_, err := streams.Out.Write(spec.Example())
				return err
			}
			flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
			if force {
				flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
			}
			f, err := os.OpenFile(path, flags, 0o644)
			if errors.Is(err, fs.ErrExist) {
				return clio.Usage(fmt.Errorf("%s already exists; keep it, or overwrite it with --force", path))
			}
			if err != nil {
				return clio.Failed(fmt.Errorf("creating %s: %w", path, err))
			}
			_, err = f.Write(spec.Example())
			if err = errors.Join(err, f.Close()); err != nil {
				return clio.Failed(fmt.Errorf("writing %s: %w", path, err))
			}
			_, err = fmt.Fprintf(streams.ErrOut, "wrote %s; next: ferry render -f %s\n", path, path)
			return err
		},
	}
	load.AddFlag(cmd.Flags(), &path)
	cmd.Flags().BoolVar(&force, "force", false, "overwrite the file if it exists")
	return cmd
}
