package importcmd

import (
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"ferry.dev/ferry/internal/importer"
	"ferry.dev/ferry/internal/importer/density"
)

func printDensity(b *strings.Builder, d *importer.Density) {
	fmt.Fprintf(b, "DENSITY over %s (%s)\n", strings.Join(d.Zones, ", "), d.ZonesWhy)
	for _, w := range d.Workloads {
		fmt.Fprintf(b, "  %s: %d × %dm CPU, %dMi memory (%s)\n", w.Name, w.Replicas, w.MilliCPU, w.MemoryMiB, w.From)
	}
	if len(d.TodayUnknown) > 0 {
		fmt.Fprintf(b, "  today's instances of %s are not known: not counted below\n", strings.Join(d.TodayUnknown, ", "))
	}
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	cols := []string{"", "today"}
	var sides []*density.Side
	for _, p := range d.Plans {
		cols = append(cols, p.Type)
		if p.Comparison != nil {
			if len(sides) == 0 {
				sides = append(sides, &p.Comparison.Before)
			}
			sides = append(sides, &p.Comparison.After)
		}
	}
	if len(sides) == 0 {
		_ = tw.Flush()
		printPlanErrors(b, d)
		return
	}
	fmt.Fprintln(tw, "  "+strings.Join(cols[:len(sides)+1], "\t")+"\t")
	for _, r := range densityRows() {
		cells := []string{"  " + r.name}
		for _, s := range sides {
			cells = append(cells, r.cell(s))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	_ = tw.Flush()
	printPlanNotes(b, d)
	printPlanErrors(b, d)
	b.WriteString("\n")
}

// row is one line of the density table: a figure for each side.
type row struct {
	name string
	cell func(s *density.Side) string
}

func densityRows() []row {
	return []row{
		{"machines", machines},
		{"CPU requested / available", func(s *density.Side) string {
			return fmt.Sprintf("%s / %s", cpu(s.Requested.MilliCPU), cpu(s.Available.MilliCPU))
		}},
		{"memory requested / available", func(s *density.Side) string {
			return fmt.Sprintf("%s / %s", mem(s.Requested.MemoryMiB), mem(s.Available.MemoryMiB))
		}},
		{"monthly cost", cost},
	}
}

func machines(s *density.Side) string {
	var types []string
	for t := range s.Types {
		types = append(types, t)
	}
	slices.Sort(types)
	var parts []string
	for _, t := range types {
		parts = append(parts, fmt.Sprintf("%d × %s", s.Types[t], t))
	}
	if len(parts) == 0 {
		return "?"
	}
	return strings.Join(parts, " + ")
}

func cpu(m int64) string { return fmt.Sprintf("%.2f", float64(m)/1000) }

func mem(mib int64) string { return fmt.Sprintf("%.1fGi", float64(mib)/1024) }

func cost(s *density.Side) string {
	if s.Monthly == nil {
		if s.Why == "" {
			return "(no --prices)"
		}
		return s.Why
	}
	return fmt.Sprintf("%.2f", *s.Monthly)
}

func printPlanNotes(b *strings.Builder, d *importer.Density) {
	for _, p := range d.Plans {
		if p.Plan == nil {
			continue
		}
		perZone := map[string]int{}
		for _, n := range p.Plan.Nodes {
			perZone[n.Zone]++
		}
		var zs []string
		for _, z := range d.Zones {
			zs = append(zs, fmt.Sprintf("%s: %d", z, perZone[z]))
		}
		fmt.Fprintf(b, "  %s: %d nodes (%s), %s CPU and %s allocatable each after %dm and %dMi of system overhead",
			p.Type, len(p.Plan.Nodes), strings.Join(zs, ", "), cpu(p.Plan.Allocatable.MilliCPU), mem(p.Plan.Allocatable.MemoryMiB),
			p.Overhead.MilliCPU, p.Overhead.MemoryMiB)
		if p.Plan.DrainNodes > 0 {
			fmt.Fprintf(b, "; %d of them only so any one node can be drained", p.Plan.DrainNodes)
		}
		b.WriteString("\n")
	}
	for _, w := range d.Workloads {
		if w.Replicas == 1 {
			fmt.Fprintf(b, "  %s has 1 replica: no disruption budget, so a node drain stops it until it is rescheduled\n", w.Name)
		}
	}
}

func printPlanErrors(b *strings.Builder, d *importer.Density) {
	for _, p := range d.Plans {
		if p.Error != "" {
			fmt.Fprintf(b, "  %s: no plan: %s\n", p.Type, p.Error)
		}
	}
}
