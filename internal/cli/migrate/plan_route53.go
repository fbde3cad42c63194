package migrate

import (
	"encoding/json"
	"fmt"
	"strings"

	"ferry.dev/ferry/internal/dns/route53"
	"ferry.dev/ferry/internal/dns/route53/rrsets"
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
// batch, and where Route 53 answers otherwise than ferry's server (as
// warnings; what it would refuse is precheck's). Other providers add
// nothing.
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
		warn = append(warn, rrsets.Differences(*c.Record)...)
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
