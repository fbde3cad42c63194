package check

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"ferry.dev/ferry/internal/ha"
)

// ANSI colours, used only when Out is a terminal.
const (
	red    = "\x1b[31m"
	green  = "\x1b[32m"
	yellow = "\x1b[33m"
	bold   = "\x1b[1m"
	reset  = "\x1b[0m"
)

// printer writes the readable report, remembering the first write error.
type printer struct {
	w     io.Writer
	color bool
	err   error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func (p *printer) paint(color, s string) string {
	if !p.color || color == "" || s == "" {
		return s
	}
	return color + s + reset
}

func (p *printer) report(r ha.Report, source string) {
	p.printf("%s %s (%s)\n\n", p.paint(bold, "cluster"), r.Cluster, source)
	p.controlPlane(r.ControlPlane)
	p.scenarios(r.Scenarios)
	p.findings(r.Findings)
}

func (p *printer) controlPlane(cp ha.ControlPlane) {
	p.printf("%s\n", p.paint(bold, "CONTROL PLANE"))
	tw := tabwriter.NewWriter(p.w, 0, 4, 2, ' ', 0)
	if cp.Managed {
		fmt.Fprintf(tw, "  control plane\tmanaged by the provider, not visible: judged on services only\n")
	}
	for _, e := range cp.Etcd {
		fmt.Fprintf(tw, "  etcd %s\t%d member%s, quorum %d, tolerates %d instance%s lost\t%s\n",
			e.Name, e.Members, plural(e.Members), e.Quorum, e.Tolerates, plural(e.Tolerates), membersPerZone(e.MembersPerZone))
	}
	if !cp.Managed && !cp.EtcdVisible {
		// No trailing cell: the long note must not widen the zones column.
		fmt.Fprintf(tw, "  etcd\tnot visible (no etcd member pods): quorum not judged\n")
	}
	switch {
	case cp.Unidentified:
		fmt.Fprintf(tw, "  API servers\tnot identifiable (no node labelled control-plane)\n")
	case !cp.Managed:
		fmt.Fprintf(tw, "  API servers\t%d up\t%s\n", sum(cp.APIServersPerZone), perZone(cp.APIServersPerZone))
	}
	fmt.Fprintf(tw, "  workers\t%d up\t%s\n", sum(cp.WorkersPerZone), perZone(cp.WorkersPerZone))
	p.flush(tw)
	p.printf("\n")
}

func (p *printer) scenarios(ss []ha.Scenario) {
	rows := [][]cell{{{"SCENARIO", bold}, {"SURVIVES", bold}, {"WHY", bold}}}
	for _, s := range ss {
		verdict := cell{"yes", green}
		if !s.Survives {
			verdict = cell{"NO", red}
		}
		rows = append(rows, []cell{{s.Failure, ""}, verdict, {s.Why, ""}})
	}
	p.table("", rows)
	p.printf("\n")
}

func (p *printer) findings(fs []ha.Finding) {
	if len(fs) == 0 {
		p.printf("%s none\n\n", p.paint(bold, "FINDINGS"))
		return
	}
	p.printf("%s\n", p.paint(bold, "FINDINGS"))
	var rows [][]cell
	for _, f := range fs {
		sev := cell{"warning", yellow}
		if f.Severity == ha.SeverityError {
			sev = cell{"error", red}
		}
		rows = append(rows, []cell{sev, {f.Check, ""}, {f.Message, ""}}, []cell{{}, {}, {"fix: " + f.Fix, ""}})
	}
	p.table("  ", rows)
	p.printf("\n")
}

// cell is one table cell and its colour ("" for none).
type cell struct{ text, color string }

// table aligns rows on the cells' visible widths (text/tabwriter would
// count the colours' escape bytes), two spaces between columns.
func (p *printer) table(indent string, rows [][]cell) {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(c.text))
		}
	}
	for _, r := range rows {
		var line strings.Builder
		line.WriteString(indent)
		for i, c := range r {
			line.WriteString(p.paint(c.color, c.text))
			if i < len(r)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c.text)+2))
			}
		}
		p.printf("%s\n", strings.TrimRight(line.String(), " "))
	}
}

func (p *printer) verdict(r ha.Report, require ha.FailureKind, failures []string) {
	if len(failures) > 0 {
		p.printf("%s (--require %s):\n", p.paint(red, "FAIL"), require)
		for _, f := range failures {
			p.printf("  - %s\n", f)
		}
		return
	}
	warnings := len(r.Findings)
	p.printf("%s (--require %s): survives the loss of %s; %d warning%s\n",
		p.paint(green, "OK"), require, requirement(require), warnings, plural(warnings))
}

func requirement(k ha.FailureKind) string {
	switch k {
	case ha.FailZone:
		return "any one instance or any one zone"
	case ha.FailRegion:
		return "any one instance, zone or region"
	}
	return "any one instance"
}

func (p *printer) flush(tw *tabwriter.Writer) {
	if err := tw.Flush(); err != nil && p.err == nil {
		p.err = err
	}
}

func membersPerZone(m map[string][]string) string {
	var parts []string
	for _, z := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%s: %s", zoneLabel(z), strings.Join(m[z], ", ")))
	}
	return strings.Join(parts, " · ")
}

func perZone(m map[string]int) string {
	var parts []string
	for _, z := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%s: %d", zoneLabel(z), m[z]))
	}
	return strings.Join(parts, " · ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func zoneLabel(z string) string {
	if z == "" {
		return "(unlabelled)"
	}
	return z
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
