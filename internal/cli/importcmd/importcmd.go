package importcmd

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/load"
	"ferry.dev/ferry/internal/importer"
	"ferry.dev/ferry/internal/importer/density"
	"ferry.dev/ferry/internal/importer/tfstate"
)

// options are the flags of "ferry import terraform".
type options struct {
	draft, handoff   string
	planNodes        []string
	prices, requests string
	region           string
	output           clio.Format
	force            bool
	streams          clio.Streams
}

// NewCommand returns "ferry import" and its one subcommand, terraform.
func NewCommand(streams clio.Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Start from what exists: turn a legacy estate's description into a service file",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(terraformCommand(streams))
	return cmd
}

func terraformCommand(streams clio.Streams) *cobra.Command {
	o := &options{streams: streams}
	cmd := &cobra.Command{
		Use:   "terraform FILE... [--draft FILE] [--handoff FILE] [--plan-nodes TYPE[,TYPE…] [--prices FILE] [--requests FILE]] [-o json]",
		Short: "Draft ferry.yaml from Terraform state (ELBs/ALBs, instances, ASGs, Route 53 records), with a hand-off and a density plan",
		Long: `Reads terraform show -json output (of a state, or of a plan: its prior state) or
version 4 state files, "-" for standard input, several at once when the estate
is split over states. Writes a ferry.yaml draft: one service per load balancer,
each value with the Terraform attribute it came from, <FILL-IN …> where
Terraform cannot know it (ferry validate refuses the file until each is
replaced). Prints a report of every resource read: what it became, or why it
was left out.

--handoff writes the HCL that keeps Terraform from undoing the migration
(removed blocks for the records ferry takes over; import blocks to hand the
final records back after done). --plan-nodes packs the services onto each node
type over the region's zones and compares nodes, CPU, memory and, with
--prices, monthly cost against the instances of today.`,
		Example: `  ferry import terraform state.json
  terraform show -json | ferry import terraform - --handoff ferry-handoff.tf
  ferry import terraform network.tfstate dns.tfstate --plan-nodes m6i.large,m6i.xlarge --prices prices.yaml
  ferry import terraform state.json --draft - -o json | jq .estate.services`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(args) },
	}
	f := cmd.Flags()
	f.StringVar(&o.draft, "draft", load.DefaultFile, `where to write the ferry.yaml draft ("-": standard output, instead of the report)`)
	f.StringVar(&o.handoff, "handoff", "", "also write the Terraform hand-off HCL to this file")
	f.StringSliceVar(&o.planNodes, "plan-nodes", nil, "EC2 instance types to plan the cluster's nodes on (comma-separated)")
	f.StringVar(&o.prices, "prices", "", "YAML file of hourly prices by instance type (hourly: {m6i.large: 0.096}) for monthly costs")
	f.StringVar(&o.requests, "requests", "", "plan with the replicas and requests of this (filled-in) service file instead of the draft's")
	f.StringVar(&o.region, "region", "", "AWS region to plan zones for (default: the one the state names)")
	f.BoolVar(&o.force, "force", false, "overwrite the draft and hand-off files if they exist")
	clio.AddOutputFlag(f, &o.output, clio.Table, clio.JSON)
	return cmd
}

func (o *options) run(args []string) error {
	if err := o.check(); err != nil {
		return clio.Usage(err)
	}
	opts, err := o.importOptions()
	if err != nil {
		return clio.Usage(err)
	}
	inputs, err := o.readInputs(args)
	if err != nil {
		return clio.Usage(err)
	}
	res, err := importer.Import(inputs, opts)
	var format *tfstate.FormatError
	var option *importer.OptionError
	switch {
	case errors.As(err, &format), errors.As(err, &option):
		return clio.Usage(err)
	case errors.Is(err, importer.ErrNothingToImport):
		if perr := o.report(o.streams.Out, res, nil); perr != nil {
			return perr
		}
		return clio.Failed(err)
	case err != nil:
		return clio.Failed(err)
	}
	written, err := o.write(res)
	if err != nil {
		return err
	}
	out := o.streams.Out
	if o.draft == "-" {
		out = o.streams.ErrOut
	}
	return o.report(out, res, written)
}

func (o *options) check() error {
	switch {
	case o.draft == "":
		return errors.New("--draft: name a file, or - for standard output")
	case o.handoff != "" && o.handoff == o.draft:
		return fmt.Errorf("--handoff and --draft both name %s", o.draft)
	case o.handoff == "-":
		return errors.New("--handoff -: write the hand-off to a file; standard output carries the report or the draft")
	case len(o.planNodes) == 0 && (o.prices != "" || o.requests != ""):
		return errors.New("--prices and --requests go with --plan-nodes")
	case o.draft == "-" && o.output == clio.JSON:
		return errors.New("--draft - and -o json both want standard output")
	}
	return nil
}

// importOptions reads the files the density plan needs.
func (o *options) importOptions() (importer.Options, error) {
	opts := importer.Options{NodeTypes: o.planNodes, Region: o.region}
	if o.prices != "" {
		data, err := os.ReadFile(o.prices)
		if err != nil {
			return opts, fmt.Errorf("--prices: %w", err)
		}
		p, err := density.ParsePrices(o.prices, data)
		if err != nil {
			return opts, fmt.Errorf("--prices: %w", err)
		}
		opts.Prices = &p
	}
	if o.requests != "" {
		f, err := load.File(o.streams, o.requests)
		if err != nil {
			return opts, err
		}
		opts.Requests = importer.WorkloadsFromSpec(f)
	}
	return opts, nil
}

func (o *options) readInputs(args []string) ([]importer.Input, error) {
	var inputs []importer.Input
	stdin := false
	for _, a := range args {
		var data []byte
		var err error
		if a == "-" {
			if stdin {
				return nil, errors.New(`"-" (standard input) given twice`)
			}
			stdin = true
			data, err = io.ReadAll(o.streams.In)
		} else {
			data, err = os.ReadFile(a)
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", a, err)
		}
		inputs = append(inputs, importer.Input{Name: a, Data: data})
	}
	return inputs, nil
}
