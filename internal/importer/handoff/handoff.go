// Package handoff writes the Terraform HCL that keeps Terraform from undoing
// a migration: `removed` blocks (Terraform 1.7 and later) that make
// Terraform forget, without deleting them, the Route 53 records ferry takes
// over; and, for after the migration is done, `import` and resource blocks
// that hand the final records back to Terraform.
//
// The second part cannot be applied before the records it imports exist, so
// it is written commented out, below a line that says when to uncomment it.
// Both parts are generated with hclwrite and parse as HCL.
package handoff

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"ferry.dev/ferry/internal/importer/estate"
)

// AfterDone is the line that starts the commented-out second part.
const AfterDone = "# ---- after done ----"

// ClusterSet is the set identifier of the weighted set ferry leaves at
// weight 100 when a migration is done.
const ClusterSet = "cluster"

// Write returns the hand-off HCL for the services that have a record, and
// how many records it removes; 0 when no service has one.
func Write(e estate.Estate, sources []string) ([]byte, int) {
	now := hclwrite.NewEmptyFile()
	comment(now.Body(),
		"Terraform hand-off written by `ferry import terraform` from "+strings.Join(sources, ", ")+".",
		"",
		"Now, before `ferry migrate start`: ferry takes over these Route 53 records.",
		"Delete their resource blocks from your configuration, keep these removed",
		"blocks, and apply (Terraform 1.7 or later): Terraform forgets the records",
		"without deleting them, and no longer undoes the weights ferry sets.")
	laterFile := hclwrite.NewEmptyFile()
	removed := 0
	for _, s := range e.Services {
		if s.Record == nil {
			continue
		}
		removed += removeRecords(now.Body(), s)
		handBack(laterFile.Body(), s)
	}
	if removed == 0 {
		return nil, 0
	}
	var b strings.Builder
	b.Write(hclwrite.Format(now.Bytes()))
	b.WriteString("\n")
	for _, l := range []string{
		"After `ferry migrate` reports done, ferry's sets are the records. Delete the",
		"removed blocks above, remove the leading \"# \" from every line below the next",
		"one, fill in each <FILL-IN …> with the cluster's ingress load balancer, and",
		"apply: Terraform imports the final records and manages them again.",
	} {
		b.WriteString("# " + l + "\n")
	}
	b.WriteString(AfterDone + "\n")
	later := strings.TrimSpace(string(hclwrite.Format(laterFile.Bytes())))
	for _, l := range strings.Split(later, "\n") {
		b.WriteString(strings.TrimSpace("# "+l) + "\n")
	}
	return []byte(b.String()), removed
}

func comment(body *hclwrite.Body, lines ...string) {
	var toks hclwrite.Tokens
	for _, l := range lines {
		toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenComment, Bytes: []byte(strings.TrimSpace("# "+l) + "\n")})
	}
	body.AppendUnstructuredTokens(toks)
}

// removeRecords writes one removed block per record resource of the
// service's set.
func removeRecords(body *hclwrite.Body, s estate.Service) int {
	done := map[string]bool{}
	n := 0
	for _, set := range s.Record.Sets {
		if done[set.Resource] {
			continue
		}
		done[set.Resource] = true
		body.AppendNewline()
		comment(body, fmt.Sprintf("%s %s of service %s (%s)", s.Record.Name, s.Record.Type, s.Name, set.Address))
		trav, diags := hclsyntax.ParseTraversalAbs([]byte(set.Resource), "", hcl.InitialPos)
		if diags.HasErrors() || strings.Contains(set.Resource, "[") {
			comment(body, fmt.Sprintf("%s sits in a module instance with a key: a removed block cannot name it; remove it with `terraform state rm '%s'`", set.Resource, set.Address))
			continue
		}
		if strings.HasPrefix(set.Resource, "module.") {
			comment(body, "It is declared in a module: delete it there. If terraform plan refuses this",
				"root-level block, put it in that module with from = "+localAddress(set.Resource)+".")
		}
		blk := body.AppendNewBlock("removed", nil)
		blk.Body().SetAttributeTraversal("from", trav)
		blk.Body().AppendNewBlock("lifecycle", nil).Body().SetAttributeValue("destroy", cty.False)
		n++
	}
	return n
}

// localAddress is an address without its module path.
func localAddress(addr string) string {
	parts := strings.Split(addr, ".")
	return strings.Join(parts[len(parts)-2:], ".")
}

// handBack writes the import and resource blocks of the set ferry leaves.
func handBack(body *hclwrite.Body, s estate.Service) {
	r := s.Record
	name := strings.ReplaceAll(s.Name, "-", "_") + "_" + ClusterSet
	body.AppendNewline()
	imp := body.AppendNewBlock("import", nil)
	imp.Body().SetAttributeTraversal("to", hcl.Traversal{hcl.TraverseRoot{Name: "aws_route53_record"}, hcl.TraverseAttr{Name: name}})
	imp.Body().SetAttributeValue("id", cty.StringVal(strings.Join([]string{r.ZoneID, r.Name, r.Type, ClusterSet}, "_")))
	body.AppendNewline()
	res := body.AppendNewBlock("resource", []string{"aws_route53_record", name})
	b := res.Body()
	b.SetAttributeValue("zone_id", cty.StringVal(r.ZoneID))
	b.SetAttributeValue("name", cty.StringVal(r.Name))
	b.SetAttributeValue("type", cty.StringVal(r.Type))
	b.SetAttributeValue("set_identifier", cty.StringVal(ClusterSet))
	if r.Alias != nil {
		a := b.AppendNewBlock("alias", nil).Body()
		a.SetAttributeValue("name", cty.StringVal("<FILL-IN DNS name of the cluster's ingress load balancer>"))
		a.SetAttributeValue("zone_id", cty.StringVal("<FILL-IN its canonical hosted zone id>"))
		a.SetAttributeValue("evaluate_target_health", cty.BoolVal(r.Alias.EvaluateTargetHealth))
	} else {
		b.SetAttributeValue("ttl", cty.NumberIntVal(int64(r.TTL)))
		b.SetAttributeValue("records", cty.ListVal([]cty.Value{cty.StringVal("<FILL-IN address of the cluster's ingress load balancer>")}))
	}
	b.AppendNewBlock("weighted_routing_policy", nil).Body().SetAttributeValue("weight", cty.NumberIntVal(100))
}
