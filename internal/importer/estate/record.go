package estate

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// record is one aws_route53_record instance as a service's domain.
type record struct {
	res
	domain, domainFrom string
	typ, zone          string
	target, targetFrom string
	alias              attrs
	set                Set
	ttl                int
	// svc is the index of the service whose balancer it points at, -1 for
	// none; stale is set when it matched only by the balancer's name.
	svc   int
	stale string
	// unmatched says why no service's balancer answers to the target.
	unmatched string
}

// recordSet is the records sharing a zone, name and type: one plain record
// or the members of a weighted set.
type recordSet struct {
	key     string
	members []record
}

// attachRecords gives each service the domains whose records point at its
// balancer, and the record set ferry takes over for the first of them.
func (b *builder) attachRecords(svcs []Service) {
	var sets []*recordSet
	index := map[string]*recordSet{}
	for _, r := range b.managed("aws_route53_record") {
		rec, ok := b.readRecord(r, svcs)
		if !ok {
			continue
		}
		key := rec.zone + " " + rec.domain + " " + rec.typ
		if index[key] == nil {
			index[key] = &recordSet{key: key}
			sets = append(sets, index[key])
		}
		index[key].members = append(index[key].members, rec)
	}
	for _, set := range sets {
		b.attachSet(svcs, set)
	}
}

func (b *builder) readRecord(r res, svcs []Service) (record, bool) {
	rec := record{res: r, typ: strings.ToUpper(r.a.str("type")), zone: r.a.str("zone_id"), svc: -1}
	if rec.typ != "A" && rec.typ != "AAAA" && rec.typ != "CNAME" {
		b.skip(r, "%s record: not the address of a service", cmp.Or(rec.typ, "untyped"))
		return rec, false
	}
	rec.domain, rec.domainFrom = b.domainOf(r)
	if strings.HasPrefix(rec.domain, "*.") {
		b.skip(r, "wildcard record %s: ferry serves named domains", rec.domain)
		return rec, false
	}
	rec.ttl, _ = r.a.num("ttl")
	rec.alias = r.a.block("alias")
	rec.target, rec.targetFrom = hostname(rec.alias.str("name")), r.Address+" alias.name"
	if rec.alias == nil {
		values := r.a.strs("records")
		rec.target, rec.targetFrom = hostname(strings.Join(values, ",")), r.Address+" records"
	}
	if rec.target == "" {
		b.skip(r, "the record has no target")
		return rec, false
	}
	rec.set = Set{Address: r.Address, Resource: r.ResourceAddress(), ID: r.a.str("set_identifier"), Target: rec.target}
	if w, ok := r.a.block("weighted_routing_policy").num("weight"); ok {
		rec.set.Weight = &w
	}
	b.matchBalancer(&rec, svcs)
	return rec, true
}

// domainOf is the record's full name: fqdn, or its name within its zone.
func (b *builder) domainOf(r res) (string, string) {
	if f := hostname(r.a.str("fqdn")); f != "" {
		return f, r.Address + " fqdn"
	}
	name := hostname(r.a.str("name"))
	for _, z := range b.byType["aws_route53_zone"] {
		zn := hostname(z.a.str("name"))
		if z.a.str("zone_id") == r.a.str("zone_id") && zn != "" {
			b.use(z, "", "hosted zone %s", zn)
			if name != zn && !strings.HasSuffix(name, "."+zn) {
				name += "." + zn
			}
			return name, r.Address + " name (in " + z.Address + ")"
		}
	}
	return name, r.Address + " name"
}

// matchBalancer finds the service whose balancer the record points at: by
// DNS name, else by the balancer name an ELB DNS name is made of (a record
// left pointing at an earlier balancer of that name).
func (b *builder) matchBalancer(rec *record, svcs []Service) {
	all := b.findBalancers("")
	at := func(bal balancer) bool { return bal.dns != "" && bal.dns == rec.target }
	i := slices.IndexFunc(all, at)
	if i < 0 {
		if name := balancerName(rec.target); name != "" {
			i = slices.IndexFunc(all, func(bal balancer) bool { return bal.name == name && bal.Mode == "managed" })
			if i >= 0 {
				rec.stale = fmt.Sprintf("%s points at %s, but %s of that name is now %s: the record is stale or the balancer was recreated", rec.Address, rec.target, all[i].Address, all[i].dns)
			}
		}
	}
	switch {
	case i < 0:
		rec.unmatched = fmt.Sprintf("points at %s, which no balancer in the input answers to", rec.target)
	case all[i].Mode == "data":
		rec.unmatched = fmt.Sprintf("points at %s, a balancer this input only reads (a data source): import the state that manages it too", all[i].Address)
	default:
		rec.svc = slices.IndexFunc(svcs, func(s Service) bool { return s.Balancer == all[i].Address })
	}
}
