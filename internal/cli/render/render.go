package render

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/load"
	"ferry.dev/ferry/internal/render"
)

type options struct {
	path    string
	service string
	output  clio.Format
}

// NewCommand returns "ferry render".
func NewCommand(streams clio.Streams) *cobra.Command {
	o := options{}
	cmd := &cobra.Command{
		Use:   "render [-f FILE] [--service NAME] [-o yaml|json]",
		Short: "Print the Kubernetes objects the service file means (nothing is applied)",
		Example: `  ferry render
  ferry render --service api
  ferry render -f shop.yaml -o json | jq '.items[].kind'
  ferry render | kubectl apply --dry-run=server -f -`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error { return o.run(streams) },
	}
	load.AddFlag(cmd.Flags(), &o.path)
	cmd.Flags().StringVar(&o.service, "service", "", "render only this service")
	clio.AddOutputFlag(cmd.Flags(), &o.output, clio.YAML, clio.JSON)
	return cmd
}

func (o options) run(streams clio.Streams) error {
	f, err := load.File(streams, o.path)
	if err != nil {
		return err
	}
	objs, err := render.Render(f, render.Options{Service: o.service})
	var unknown *render.ErrUnknownService
	if errors.As(err, &unknown) {
		return clio.Usage(fmt.Errorf("--service: %w", err))
	}
	if err != nil {
		return err
	}
	if o.output == clio.JSON {
		list, err := render.List(objs)
		if err != nil {
			return err
		}
		return clio.WriteJSON(streams.Out, list)
	}
	return render.WriteYAML(streams.Out, objs)
}
