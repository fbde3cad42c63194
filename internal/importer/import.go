package importer

import (
	"errors"
	"fmt"
	"strings"

	"ferry.dev/ferry/internal/importer/density"
	"ferry.dev/ferry/internal/importer/draft"
	"ferry.dev/ferry/internal/importer/estate"
	"ferry.dev/ferry/internal/importer/handoff"
	"ferry.dev/ferry/internal/importer/tfstate"
)

// Input is one file to import, read by the caller.
type Input struct {
	Name string
	Data []byte
}

// Options are what an import is asked for beyond the draft.
type Options struct {
	// NodeTypes asks for a density plan on each of these EC2 types.
	NodeTypes []string
	// Prices, when set, adds monthly costs to the density plans.
	Prices *density.Prices
	// Requests replaces the draft's services in the density plan by those
	// of a filled-in service file (see WorkloadsFromSpec).
	Requests []Workload
	// Region overrides the region read from the state.
	Region string
}

// Result is everything an import produces; the caller writes it.
type Result struct {
	Sources []draft.Source `json:"sources"`
	Estate  estate.Estate  `json:"estate"`
	Draft   draft.Draft    `json:"-"`
	// Handoff is the HCL, nil when no record is taken over; Removed counts
	// its removed blocks.
	Handoff []byte   `json:"-"`
	Removed int      `json:"removed"`
	Density *Density `json:"density,omitempty"`
}

// ErrNothingToImport is input that is valid Terraform but holds no load
// balancer: there is no service to draft.
var ErrNothingToImport = errors.New("no load balancer (aws_elb, aws_lb, aws_alb) in the input: nothing to draft")

// OptionError is a bad option, such as a node type the table does not
// hold: bad input, like a broken file.
type OptionError struct{ Msg string }

func (e *OptionError) Error() string { return e.Msg }

// Import reads every input, decides what it means and produces the draft,
// the hand-off and, when asked, the density plans. A file that is not
// Terraform state is a *tfstate.FormatError; nothing is produced then.
func Import(inputs []Input, o Options) (Result, error) {
	var res Result
	var all []tfstate.Resource
	for _, in := range inputs {
		st, err := tfstate.Parse(in.Name, in.Data)
		if err != nil {
			return Result{}, err
		}
		res.Sources = append(res.Sources, draft.Source{File: in.Name, Form: string(st.Form), TerraformVersion: st.TerraformVersion})
		all = append(all, st.Resources...)
	}
	if err := checkTypes(o.NodeTypes); err != nil {
		return Result{}, err
	}
	res.Estate = estate.Build(all)
	if o.Region != "" {
		res.Estate.Region = o.Region
	}
	if len(res.Estate.Services) == 0 {
		return res, ErrNothingToImport
	}
	res.Draft = draft.Write(res.Estate, res.Sources)
	var names []string
	for _, s := range res.Sources {
		names = append(names, s.File)
	}
	res.Handoff, res.Removed = handoff.Write(res.Estate, names)
	if len(o.NodeTypes) > 0 {
		res.Density = plan(res.Estate, o)
	}
	return res, nil
}

func checkTypes(types []string) error {
	var unknown []string
	for _, t := range types {
		if _, ok := density.InstanceType(t); !ok {
			unknown = append(unknown, t)
		}
	}
	if len(unknown) > 0 {
		return &OptionError{Msg: fmt.Sprintf("--plan-nodes: %s not in ferry's instance type table (%s, …; docs/import.md lists them all)",
			strings.Join(unknown, ", "), strings.Join(density.TypeNames()[:6], ", "))}
	}
	return nil
}
