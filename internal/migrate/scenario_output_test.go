package migrate_test

import (
	"errors"
	"fmt"
	"strings"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/migrate"
)

// block is one group of input lines and the output they must produce.
type block struct {
	comments []string // lines before the inputs, kept as written
	inputs   []string
	output   string
	line     int // of the first input
}

// parseBlocks reads a scenario file: comment lines, then input lines, then
// "----" and the output up to the next blank line; blank lines separate
// blocks.
func parseBlocks(text string) ([]block, error) {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	var out []block
	var cur block
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case len(cur.inputs) == 0 && strings.TrimSpace(l) == "":
		case len(cur.inputs) == 0 && strings.HasPrefix(l, "#"):
			cur.comments = append(cur.comments, l)
		case l == "----":
			if len(cur.inputs) == 0 {
				return nil, fmt.Errorf("line %d: ---- without input lines", i+1)
			}
			var o []string
			for i+1 < len(lines) && strings.TrimSpace(lines[i+1]) != "" {
				i++
				o = append(o, lines[i])
			}
			cur.output = strings.Join(o, "\n")
			out = append(out, cur)
			cur = block{}
		case strings.HasPrefix(l, "#"):
			return nil, fmt.Errorf("line %d: a comment among input lines", i+1)
		default:
			if len(cur.inputs) == 0 {
				cur.line = i + 1
			}
			cur.inputs = append(cur.inputs, l)
		}
	}
	if len(cur.inputs) > 0 {
		return nil, errors.New("the last input lines have no ---- and output")
	}
	return out, nil
}

func formatBlocks(blocks []block) string {
	var b strings.Builder
	for _, bl := range blocks {
		for _, c := range bl.comments {
			b.WriteString(c + "\n")
		}
		b.WriteString(strings.Join(bl.inputs, "\n") + "\n----\n")
		if bl.output != "" {
			b.WriteString(bl.output + "\n")
		}
		b.WriteString("\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func describeAction(a migrate.Action) string {
	switch {
	case a.Kind == migrate.Log:
		return "log: " + a.Message
	case a.Kind == migrate.Finish:
		return "action finish"
	case a.Kind == migrate.CallHooks:
		return "action call-hooks " + a.Hook
	case a.Set == nil:
		return fmt.Sprintf("action %s", a.Kind)
	}
	return fmt.Sprintf("action %s %s %s if %s", a.Kind, a.Set.Name, setsOf(a.Set), seenOf(*a.Expect))
}

func setsOf(rs *dns.RecordSet) string {
	var parts []string
	for _, s := range rs.Sets {
		parts = append(parts, fmt.Sprintf("%s=%d", s.ID, s.Weight))
	}
	return strings.Join(parts, ",")
}

func seenOf(s migrate.Seen) string {
	if !s.Exists {
		return "absent"
	}
	return setsOf(s.Set)
}

// summary is the state after a block, one fact a line; a fact at its zero
// value is left out.
func summary(s migrate.State) []string {
	line := fmt.Sprintf("state: %s step=%d weights=%s", s.Stage, s.Step, s.Weights)
	if s.Target != s.Weights {
		line += " target=" + s.Target.String()
	}
	for _, p := range s.Pending {
		line += " pending=" + string(p.Kind)
	}
	flags := []struct {
		name string
		on   bool
	}{{" paused", s.Paused}, {" awaiting-promotion", s.AwaitingPromotion}, {" promotion-requested", s.PromotionRequested}}
	for _, f := range flags {
		if f.on {
			line += f.name
		}
	}
	for _, side := range []migrate.Side{migrate.Legacy, migrate.Cluster} {
		if h, ok := s.Health[side]; ok {
			line += fmt.Sprintf(" %s=%s/%d", side, h.Status, h.Failing)
		}
	}
	for _, side := range []migrate.Side{migrate.Legacy, migrate.Cluster} {
		if h, ok := s.Metrics[side]; ok {
			line += fmt.Sprintf(" %s-metrics=%s/%d/%d", side, h.Status, h.Failing, h.Inconclusive)
		}
	}
	out := []string{line}
	facts := []struct{ name, v string }{
		{"record", seenOf(s.Record)}, {"parity", parity(s.Parity)}, {"alert", s.Alert},
		{"legacyAlert", s.LegacyAlert}, {"reason", s.Reason}, {"trafficError", s.TrafficError},
	}
	if s.Retrying != nil {
		facts = append(facts, struct{ name, v string }{"retrying", fmt.Sprintf("%s attempts=%d since=%s error=%s",
			s.Retrying.Action, s.Retrying.Attempts, s.Retrying.Since.Format("15:04:05"), s.Retrying.LastError)})
	}
	for _, f := range facts {
		if f.v != "" && f.v != "absent" {
			out = append(out, "  "+f.name+": "+f.v)
		}
	}
	return out
}

func parity(p migrate.ParityResult) string {
	if !p.Checked {
		return ""
	}
	return p.String()
}
