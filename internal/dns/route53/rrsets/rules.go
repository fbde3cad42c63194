package rrsets

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"ferry.dev/ferry/internal/dns"
)

// Route 53's limits for one weighted group (one name and type).
const (
	maxWeight          = 255
	maxWeightedRecords = 100
)

// Check returns every Route 53 rule rs breaks, each error wrapping
// dns.ErrInvalid and quoting what Route 53 would answer, before anything
// is sent. zone is the hosted zone's name ("" when not known: the apex
// rule is then not checked). It is pure: `ferry validate` and `migrate
// plan` call it with the record sets a migration will write.
func Check(rs dns.RecordSet, zone string) error {
	return CheckGroup(zone, rs.Name, rs.Type, To(rs), nil)
}

// Rule names one of Route 53's rules for a name and type.
type Rule string

// The rules Check applies.
const (
	RuleWeightRange       Rule = "weight-range"        // weights 0-255
	RuleAllZero           Rule = "all-zero"            // ferry's: never every weight 0
	RuleOneTTL            Rule = "one-ttl"             // one TTL per weighted group
	RuleMaxWeighted       Rule = "max-weighted"        // at most 100 weighted records
	RulePlainOrWeighted   Rule = "plain-or-weighted"   // no plain record beside weighted ones
	RuleOnePlain          Rule = "one-plain"           // at most one plain record
	RuleCNAMEAtApex       Rule = "cname-at-apex"       // no CNAME at the zone apex
	RuleCNAMEBesideOthers Rule = "cname-beside-others" // a CNAME is alone at its name
)

// Violation is one rule a record set breaks; Err wraps dns.ErrInvalid and
// quotes what Route 53 would answer.
type Violation struct {
	Rule Rule
	Err  error
}

// Violations is Check as a list, each violation with the rule it breaks,
// for callers that point each at its own cause (`ferry validate` at the
// field of the service file responsible). others are the types the caller
// knows to be at rs's name too; zone is the hosted zone's name ("" when
// not known). It is pure.
func Violations(rs dns.RecordSet, zone string, others []string) []Violation {
	return violations(zone, rs.Name, rs.Type, To(rs), others)
}

// Differences lists, for an operator, where Route 53 answers rs otherwise
// than ferry's own DNS server would. It is pure; `migrate plan` prints it.
func Differences(rs dns.RecordSet) []string {
	var out []string
	if isPlain(rs) {
		out = append(out, fmt.Sprintf("%s %s is written as one plain (simple routing) record: Route 53 keeps no set id or weight for it", rs.Name, rs.Type))
	}
	for _, s := range rs.Sets {
		if len(s.Values) == 1 && dns.IsAlias(s.Values[0]) {
			out = append(out, fmt.Sprintf("%s %s set %q is an alias: Route 53 answers it with the target's addresses and TTL (%d s for a load balancer), so the drain waits on that; ferry's own server answers it with a CNAME to the target", rs.Name, rs.Type, s.ID, dns.AliasTTL))
		}
		if len(s.Values) > 1 {
			out = append(out, fmt.Sprintf("%s %s set %q holds %d values: Route 53 answers all of them together, as ferry's server does, but its documentation allows one value per weighted record", rs.Name, rs.Type, s.ID, len(s.Values)))
		}
	}
	return out
}

// CheckGroup checks the resource record sets a batch leaves for one name
// and type (next), with otherTypes the types of the other record sets at
// the same name. Each error names the Route 53 rule and quotes Route 53's
// answer. It is pure.
func CheckGroup(zone, name, rrtype string, next []types.ResourceRecordSet, otherTypes []string) error {
	var errs []error
	for _, v := range violations(zone, name, rrtype, next, otherTypes) {
		errs = append(errs, v.Err)
	}
	return errors.Join(errs...)
}

// refuseFunc records a violation of rule: what ferry says, and Route 53's
// answer (said, formatted with args).
type refuseFunc func(r Rule, rule, said string, args ...any)

// violations is every rule next breaks, in the order CheckGroup reports
// them. It is pure.
func violations(zone, name, rrtype string, next []types.ResourceRecordSet, otherTypes []string) []Violation {
	name = dns.CanonicalName(name)
	var out []Violation
	refuse := func(r Rule, rule, said string, args ...any) {
		out = append(out, Violation{Rule: r, Err: fmt.Errorf("%w: %s %s: %s (Route 53: %q)", dns.ErrInvalid, name, rrtype, rule, fmt.Sprintf(said, args...))})
	}
	var plain, weighted []types.ResourceRecordSet
	for _, r := range next {
		if r.SetIdentifier == nil {
			plain = append(plain, r)
		} else {
			weighted = append(weighted, r)
		}
	}
	checkWeights(name, rrtype, weighted, refuse)
	if len(plain) > 0 && len(weighted) > 0 {
		refuse(RulePlainOrWeighted, "a plain record and weighted records cannot share a name and type",
			"RRSet with DNS name %s, type %s, SetIdentifier %s cannot be created as a non-weighted set exists with the same name and type.", name, rrtype, aws.ToString(weighted[0].SetIdentifier))
	}
	if len(plain) > 1 {
		refuse(RuleOnePlain, "a name and type holds at most one plain record",
			"RRSet with DNS name %s, type %s cannot be created as other RRSets exist with the same name and type.", name, rrtype)
	}
	checkCNAME(zone, name, rrtype, otherTypes, refuse)
	return out
}

// checkWeights applies the rules of a weighted group.
func checkWeights(name, rrtype string, weighted []types.ResourceRecordSet, refuse refuseFunc) {
	if len(weighted) > maxWeightedRecords {
		refuse(RuleMaxWeighted, fmt.Sprintf("at most %d weighted records per name and type, not %d", maxWeightedRecords, len(weighted)),
			"RRSet with DNS name %s, type %s cannot be created because the limit of %d weighted records with the same name and type is reached.", name, rrtype, maxWeightedRecords)
	}
	allZero := len(weighted) > 0
	var first *int64 // the TTL of the first record that has one
	for i, r := range weighted {
		w := aws.ToInt64(r.Weight)
		if w < 0 || w > maxWeight {
			refuse(RuleWeightRange, fmt.Sprintf("set %q: weight %d is outside 0-%d", aws.ToString(r.SetIdentifier), w, maxWeight),
				"1 validation error detected: Value '%d' at 'changeBatch.changes.%d.member.resourceRecordSet.weight' failed to satisfy constraint: Member must have value less than or equal to %d", w, i+1, maxWeight)
		}
		allZero = allZero && w == 0
		if r.TTL == nil { // an alias: it has its target's TTL
			continue
		}
		if first == nil {
			first = r.TTL
		} else if *r.TTL != *first {
			refuse(RuleOneTTL, fmt.Sprintf("set %q: every weighted record of a name and type has the same TTL (%d, not %d)", aws.ToString(r.SetIdentifier), *first, *r.TTL),
				"RRSet with DNS name %s and type %s, SetIdentifier %s cannot be created as weighted sets must contain the same TTL.", name, rrtype, aws.ToString(r.SetIdentifier))
		}
	}
	if allZero {
		refuse(RuleAllZero, "every weight is 0: Route 53 would then split traffic equally between the sets, which no migration step means; ferry refuses it",
			"(accepted: traffic is routed to all records with equal probability)")
	}
}

// checkCNAME applies the rules that keep a CNAME alone at its name.
func checkCNAME(zone, name, rrtype string, otherTypes []string, refuse refuseFunc) {
	z := strings.TrimSuffix(zone, ".") // Route 53 names it without the final dot
	if z == "" {
		z = "the zone"
	}
	if rrtype == dns.TypeCNAME && zone != "" && strings.EqualFold(name, dns.CanonicalName(zone)) {
		refuse(RuleCNAMEAtApex, "a CNAME cannot be at the zone apex",
			"RRSet of type CNAME with DNS name %s is not permitted at apex in zone %s.", name, z)
	}
	switch {
	case rrtype == dns.TypeCNAME && len(otherTypes) > 0:
		refuse(RuleCNAMEBesideOthers, fmt.Sprintf("a CNAME cannot share its name with other records (%s are there)", strings.Join(otherTypes, ", ")),
			"RRSet of type CNAME with DNS name %s is not permitted as it conflicts with other records with the same DNS name in zone %s.", name, z)
	case rrtype != dns.TypeCNAME && slices.Contains(otherTypes, dns.TypeCNAME):
		refuse(RuleCNAMEBesideOthers, "no other record can share its name with a CNAME (a CNAME is there)",
			"RRSet of type %s with DNS name %s is not permitted because a conflicting RRSet of type  CNAME with the same DNS name already exists in zone %s.", rrtype, name, z)
	}
}
