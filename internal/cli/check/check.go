package check

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/ha"
)

// NewCommand returns "ferry check" and its subcommands.
func NewCommand(streams clio.Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check whether a cluster survives losing an instance, a zone or a region",
		Long: `Check whether a cluster survives losing an instance, a zone or a region.

etcd keeps quorum while floor(n/2)+1 of its n members are up, so three
control-plane instances over two zones lose the cluster with the zone that
holds two of them. ferry check does that arithmetic for the control plane
and for your services, and audits the settings that undermine it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	cmd.AddCommand(newKopsCommand(streams), newClusterCommand(streams))
	// Flag mistakes are usage errors (exit 2) even when the command runs
	// without ferry's root, as in tests.
	cmd.SetFlagErrorFunc(clio.FlagError)
	return cmd
}

// common are the flags both subcommands share.
type common struct {
	require string
	output  clio.Format
}

func (o *common) bind(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.require, "require", string(ha.FailInstance), "the failure that must be survived: instance, zone or region")
	clio.AddOutputFlag(cmd.Flags(), &o.output, clio.Table, clio.JSON)
}

// validate checks the flags before anything is read.
func (o *common) validate() (ha.FailureKind, error) {
	require, err := ha.ParseFailureKind(o.require)
	if err != nil {
		return "", clio.Usage(fmt.Errorf("--require %w", err))
	}
	return require, nil
}

// jsonReport is what -o json prints: the report and the verdict.
type jsonReport struct {
	ha.Report
	Require  ha.FailureKind `json:"require"`
	Passed   bool           `json:"passed"`
	Failures []string       `json:"failures"`
}

// finish prints the report and turns the verdict into the exit status.
func finish(streams clio.Streams, o common, require ha.FailureKind, source string, r ha.Report) error {
	failures := r.Failures(require)
	if o.output == clio.JSON {
		if failures == nil {
			failures = []string{}
		}
		if err := clio.WriteJSON(streams.Out, jsonReport{Report: r, Require: require, Passed: len(failures) == 0, Failures: failures}); err != nil {
			return err
		}
	} else {
		// Colours only where a person watches, and never against NO_COLOR.
		p := printer{w: streams.Out, color: clio.IsTerminal(streams.Out) && os.Getenv("NO_COLOR") == ""}
		p.report(r, source)
		p.verdict(r, require, failures)
		if p.err != nil {
			return fmt.Errorf("writing the report: %w", p.err)
		}
	}
	if len(failures) > 0 {
		return clio.Failed(clio.ErrReported)
	}
	return nil
}
