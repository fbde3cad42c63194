package check

import (
	"errors"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
)

func newClusterCommand(streams clio.Streams) *cobra.Command {
	var o common
	cmd := &cobra.Command{
		Use:   "cluster",
		Short: "Check a live cluster (kubeconfig) and the services of a ferry file",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if _, err := o.validate(); err != nil {
				return err
			}
			return clio.Failed(errors.New("ferry check cluster is not implemented yet"))
		},
	}
	o.bind(cmd)
	return cmd
}
