package importcmd

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/importer"
	"ferry.dev/ferry/internal/importer/draft"
	"ferry.dev/ferry/internal/importer/estate"
)

// jsonReport is the -o json form of the report.
type jsonReport struct {
	Sources   []draft.Source    `json:"sources"`
	Region    string            `json:"region,omitempty"`
	Regions   []string          `json:"regions,omitempty"`
	Services  []estate.Service  `json:"services"`
	Resources []estate.Entry    `json:"resources"`
	Written   *written          `json:"written,omitempty"`
	Removed   int               `json:"removedBlocks"`
	Density   *importer.Density `json:"density,omitempty"`
}

func (o *options) report(w io.Writer, res importer.Result, wr *written) error {
	if o.output == clio.JSON {
		e := res.Estate
		if e.Services == nil {
			e.Services = []estate.Service{}
		}
		return clio.WriteJSON(w, jsonReport{Sources: res.Sources, Region: e.Region, Regions: e.Regions, Services: e.Services,
			Resources: e.Resources, Written: wr, Removed: res.Removed, Density: res.Density})
	}
	b := &strings.Builder{}
	printSources(b, res)
	if len(res.Estate.Services) > 0 {
		printServices(b, res.Estate.Services)
	}
	printResources(b, res.Estate.Resources)
	if res.Density != nil {
		printDensity(b, res.Density)
	}
	if wr != nil {
		printWritten(b, res, wr)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func printSources(b *strings.Builder, res importer.Result) {
	for _, s := range res.Sources {
		fmt.Fprintf(b, "read %s: %s, Terraform %s\n", s.File, s.Form, s.TerraformVersion)
	}
	e := res.Estate
	switch {
	case len(e.Regions) > 1:
		fmt.Fprintf(b, "regions %s: planning for %s (one cluster serves one region)\n", strings.Join(e.Regions, ", "), e.Region)
	case e.Region != "":
		fmt.Fprintf(b, "region %s\n", e.Region)
	}
	b.WriteString("\n")
}

func printServices(b *strings.Builder, svcs []estate.Service) {
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVICE\tBALANCER\tDOMAIN\tPORT\tHEALTH\tREPLICAS\tIMAGE\tTODAY")
	for _, s := range svcs {
		domain := "?"
		if len(s.Domains) > 0 {
			domain = s.Domains[0].Text
			if len(s.Domains) > 1 {
				domain += fmt.Sprintf(" (+%d)", len(s.Domains)-1)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Name, s.Balancer, domain, known(s.Port), known(s.Health),
			known(s.Replicas), known(s.Image), today(s.Today))
	}
	_ = tw.Flush()
	var notes []string
	for _, s := range svcs {
		for _, n := range s.Notes {
			notes = append(notes, s.Name+": "+n)
		}
	}
	if len(notes) > 0 {
		b.WriteString("\nNOTES\n")
		for _, n := range notes {
			fmt.Fprintf(b, "  %s\n", n)
		}
	}
	b.WriteString("\n")
}

func known(v estate.Value) string {
	if v.Known() {
		return v.Text
	}
	return "?"
}

func today(f estate.Fleet) string {
	switch {
	case f.Instances == 0:
		return "?"
	case f.Type == "":
		return fmt.Sprintf("%d × ?", f.Instances)
	case len(f.Types) > 1:
		return fmt.Sprintf("%d × %s", f.Instances, strings.Join(f.Types, "/"))
	}
	return fmt.Sprintf("%d × %s", f.Instances, f.Type)
}

// printResources lists what each resource became, then the ignored ones
// grouped by reason.
func printResources(b *strings.Builder, rs []estate.Entry) {
	var used int
	var reasons []string
	byReason := map[string][]string{}
	for _, r := range rs {
		if r.Became != "" {
			used++
			continue
		}
		if byReason[r.Ignored] == nil {
			reasons = append(reasons, r.Ignored)
		}
		byReason[r.Ignored] = append(byReason[r.Ignored], r.Address)
	}
	fmt.Fprintf(b, "RESOURCES: %d read, %d used, %d left out\n", len(rs), used, len(rs)-used)
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	for _, r := range rs {
		if r.Became != "" {
			fmt.Fprintf(tw, "  %s\t%s\n", r.Address, r.Became)
		}
	}
	_ = tw.Flush()
	slices.SortStableFunc(reasons, func(x, y string) int { return len(byReason[y]) - len(byReason[x]) })
	for _, why := range reasons {
		fmt.Fprintf(b, "  left out (%d): %s\n", len(byReason[why]), why)
		fmt.Fprintf(b, "    %s\n", strings.Join(byReason[why], ", "))
	}
	b.WriteString("\n")
}

func printWritten(b *strings.Builder, res importer.Result, wr *written) {
	if wr.Draft != "-" {
		fmt.Fprintf(b, "wrote %s: %d service(s)", wr.Draft, len(res.Estate.Services))
	} else {
		fmt.Fprintf(b, "drafted %d service(s)", len(res.Estate.Services))
	}
	if n := len(wr.Placeholders); n > 0 {
		fmt.Fprintf(b, ", %d placeholder(s) to fill in: %s", n, strings.Join(wr.Placeholders, ", "))
	}
	b.WriteString("\n")
	switch {
	case wr.Handoff != "":
		fmt.Fprintf(b, "wrote %s: %d removed block(s), and the hand-back for after done (commented out)\n", wr.Handoff, res.Removed)
	case res.Handoff == nil:
		b.WriteString("no Route 53 record is taken over: no hand-off to write\n")
	default:
		fmt.Fprintf(b, "%d record resource(s) to hand over from Terraform: write the HCL with --handoff FILE\n", res.Removed)
	}
}
