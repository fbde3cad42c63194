package estate

import (
	"fmt"
	"slices"
	"strings"
)

// attachSet gives a record set to the service its heaviest member points
// at. The set's other members (other weighted sets) go with it: the
// migration replaces the whole set.
func (b *builder) attachSet(svcs []Service, set *recordSet) {
	owner := -1
	for i, m := range set.members {
		if m.svc >= 0 && (owner < 0 || weight(m) > weight(set.members[owner])) {
			owner = i
		}
	}
	if owner < 0 {
		for _, m := range set.members {
			b.skip(m.res, "%s", m.unmatched)
		}
		return
	}
	lead := set.members[owner]
	s := &svcs[lead.svc]
	b.useZone(lead.zone)
	for _, m := range set.members {
		b.useMember(s, lead, m)
	}
	if !hasDomain(s, lead.domain) {
		s.Domains = append(s.Domains, Value{Text: lead.domain, From: lead.domainFrom})
	}
	if s.Record != nil || lead.typ == "AAAA" {
		if lead.typ == "AAAA" {
			s.Notes = append(s.Notes, fmt.Sprintf("%s (AAAA) also points at %s: ferry migrates the A or CNAME record; move or delete the AAAA one with it", lead.Address, s.Balancer))
		}
		return
	}
	s.Record = recordOf(lead, set)
	b.noteSiblings(s, set)
	s.Legacy = Value{Text: lead.target, From: lead.targetFrom}
	if lead.stale != "" {
		s.Notes = append(s.Notes, lead.stale+"; legacy is what DNS answers today")
	}
	if len(set.members) > 1 {
		s.Notes = append(s.Notes, fmt.Sprintf("%s is a weighted set of %d (%s): the migration replaces all of them with ferry's legacy/cluster sets", lead.domain, len(set.members), setList(set)))
	}
	if policy := otherPolicy(lead); policy != "" {
		s.Notes = append(s.Notes, fmt.Sprintf("%s uses %s routing: the migration replaces it with a weighted set", lead.Address, policy))
	}
}

// noteSiblings warns when a record resource taken over has instances
// (count or for_each) outside the set: a removed block takes all of them.
func (b *builder) noteSiblings(s *Service, set *recordSet) {
	inSet := map[string]bool{}
	for _, m := range set.members {
		inSet[m.Address] = true
	}
	for _, m := range set.members {
		var others []string
		for _, r := range b.managed("aws_route53_record") {
			if r.ResourceAddress() == m.ResourceAddress() && !inSet[r.Address] && !slices.Contains(others, r.Address) {
				others = append(others, r.Address)
			}
		}
		if len(others) > 0 {
			s.Notes = append(s.Notes, fmt.Sprintf("the hand-off removes %s from Terraform, and with it %s, which are not part of this migration", m.ResourceAddress(), strings.Join(others, ", ")))
			return
		}
	}
}

func (b *builder) useZone(id string) {
	for _, z := range b.byType["aws_route53_zone"] {
		if z.a.str("zone_id") == id {
			b.use(z, "", "hosted zone %s (%s)", hostname(z.a.str("name")), id)
		}
	}
}

func (b *builder) useMember(s *Service, lead, m record) {
	what := fmt.Sprintf("record %s %s", m.domain, m.typ)
	if m.set.ID != "" {
		what += fmt.Sprintf(" (set %s, weight %s)", m.set.ID, weightText(m))
	}
	if m.svc != lead.svc {
		what += " → " + m.target
	}
	b.use(m.res, s.Balancer, "%s", what)
}

func recordOf(lead record, set *recordSet) *Record {
	r := &Record{Name: lead.domain, Type: lead.typ, ZoneID: lead.zone, TTL: lead.ttl}
	if lead.alias != nil {
		r.TTL = 0
		r.Alias = &Alias{Name: lead.target, ZoneID: lead.alias.str("zone_id"), EvaluateTargetHealth: lead.alias.boolean("evaluate_target_health")}
	}
	for _, m := range set.members {
		r.Sets = append(r.Sets, m.set)
	}
	return r
}

func weight(r record) int {
	if r.set.Weight == nil {
		return 1 << 30 // a plain record takes all traffic
	}
	return *r.set.Weight
}

func weightText(r record) string {
	if r.set.Weight == nil {
		return "none"
	}
	return fmt.Sprint(*r.set.Weight)
}

func setList(set *recordSet) string {
	var parts []string
	for _, m := range set.members {
		parts = append(parts, fmt.Sprintf("%s=%s → %s", m.set.ID, weightText(m), m.target))
	}
	return strings.Join(parts, ", ")
}

func otherPolicy(r record) string {
	for _, p := range []string{"latency", "failover", "geolocation", "geoproximity", "cidr"} {
		if r.a.block(p+"_routing_policy") != nil {
			return p
		}
	}
	if r.a.boolean("multivalue_answer_routing_policy") {
		return "multivalue answer"
	}
	return ""
}

func hasDomain(s *Service, d string) bool {
	for _, v := range s.Domains {
		if v.Text == d {
			return true
		}
	}
	return false
}
