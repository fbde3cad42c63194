package migrate

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"ferry.dev/ferry/internal/dns/route53"
	"ferry.dev/ferry/internal/migrate"
)

// batch is one Route 53 change batch of a plan, exactly as start sends
// it: the JSON `aws route53 change-resource-record-sets --change-batch`
// takes.
type batch struct {
	Change int             `json:"change"`
	Action string          `json:"action"`
	Batch  json.RawMessage `json:"batch"`
}

// route53Plan is what a plan adds for provider route53: each change's
// batch, and where Route 53 refuses a record or answers otherwise than
// ferry's server (as warnings). Other providers add nothing.
func route53Plan(cfg migrate.Config, changes []migrate.Change) ([]batch, []string, error) {
	if cfg.DNS.Provider != "route53" {
		return nil, nil, nil
	}
	var out []batch
	var warn []string
	for i, c := range changes {
		if c.Record == nil {
			continue
		}
		j, err := route53.BatchJSON(c.Previous, c.Record)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, batch{Change: i + 1, Action: string(c.Action), Batch: j})
		if err := route53.Check(*c.Record, ""); err != nil {
			warn = append(warn, fmt.Sprintf("change %d: Route 53 would refuse it: %v", i+1, err))
		}
		for _, d := range route53.Differences(*c.Record) {
			if !slices.Contains(warn, d) { // the same set differs the same way at every step
				warn = append(warn, d)
			}
		}
	}
	return out, warn, nil
}

// printBatches writes each batch under its change's number.
func printBatches(b *strings.Builder, batches []batch) {
	if len(batches) == 0 {
		return
	}
	b.WriteString("\nRoute 53 change batches, as start sends them (aws route53 change-resource-record-sets --change-batch '…'):\n")
	for _, x := range batches {
		fmt.Fprintf(b, "\n# change %d: %s\n%s\n", x.Change, x.Action, x.Batch)
	}
}
