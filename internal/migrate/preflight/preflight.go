package preflight

import (
	"slices"
	"strings"

	"golang.org/x/net/publicsuffix"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/route53/rrsets"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/spec"
)

// write is one record set a migration writes, and where its name comes
// from in the file.
type write struct {
	service   string
	action    migrate.ActionKind
	rs        dns.RecordSet
	nameField string // the path of the field that names rs.Name
}

// File returns a problem, placed at the field responsible, for every rule
// of f's DNS provider broken by a record set some migration in f will
// write, at any step, rollback included — the rules that need no access to
// the zone. Only provider route53 has rules of its own; for the others
// File returns nil. f is valid (spec.Load).
func File(f *spec.File) spec.ProblemList {
	if f.Migration.Provider != "route53" {
		return nil
	}
	var problems spec.ProblemList
	var writes []write
	for _, svc := range f.Services {
		if svc.Migration == nil {
			continue
		}
		ws, err := writesOf(f, svc)
		if err != nil {
			problems = append(problems, f.Problem("services."+svc.Name, "planning its migration: %v", err))
			continue
		}
		writes = append(writes, ws...)
		problems = append(problems, oneZone(f, svc)...)
	}
	problems = append(problems, check(f, writes)...)
	return sorted(problems)
}

// writesOf is every record set the migration of svc writes: the engine's
// own plan, stepped against an in-memory provider.
func writesOf(f *spec.File, svc spec.Service) ([]write, error) {
	cfg, err := migrate.FromSpec(f, svc.Name)
	if err != nil {
		return nil, err
	}
	changes, err := migrate.Plan(cfg, migrate.Start{})
	if err != nil {
		return nil, err
	}
	domain, preview := domainField(f, svc.Name), "services."+svc.Name+".previewDomain"
	var out []write
	for _, c := range changes {
		if c.Record == nil {
			continue
		}
		w := write{service: svc.Name, action: c.Action, rs: *c.Record, nameField: domain}
		if c.Action == migrate.PointPreview {
			w.nameField = preview
		}
		out = append(out, w)
	}
	return out, nil
}

// domainField is where the migrated domain (the service's first) was
// written.
func domainField(f *spec.File, svc string) string {
	if p := "services." + svc + ".domains[0]"; f.Written(p) {
		return p
	}
	return "services." + svc + ".domain"
}

// check applies Route 53's rules to every write, the CNAME rules against
// the other types the file's migrations write at the same name. A rule
// broken alike by several changes is one problem naming each of them.
func check(f *spec.File, writes []write) spec.ProblemList {
	types := map[string][]string{} // name → the types written there
	for _, w := range writes {
		if !slices.Contains(types[w.rs.Name], w.rs.Type) {
			types[w.rs.Name] = append(types[w.rs.Name], w.rs.Type)
		}
	}
	type broken struct {
		field, rrtype, said string
		rule                rrsets.Rule
		actions             []string
	}
	var found []*broken
	byKey := map[string]*broken{}
	for _, w := range writes {
		others := slices.DeleteFunc(slices.Clone(types[w.rs.Name]), func(t string) bool { return t == w.rs.Type })
		for _, v := range rrsets.Violations(w.rs, apexZone(w.rs), others) {
			b := &broken{field: fieldOf(w, v.Rule), rrtype: w.rs.Type, rule: v.Rule,
				said: strings.TrimPrefix(v.Err.Error(), dns.ErrInvalid.Error()+": ")}
			key := b.field + "\x00" + b.said
			if byKey[key] == nil {
				byKey[key] = b
				found = append(found, b)
			}
			if a := string(w.action); !slices.Contains(byKey[key].actions, a) {
				byKey[key].actions = append(byKey[key].actions, a)
			}
		}
	}
	out := make(spec.ProblemList, 0, len(found))
	for _, b := range found {
		out = append(out, f.Problem(b.field, "with provider route53, the %s record set written at %s: %s%s",
			b.rrtype, strings.Join(b.actions, ", "), b.said, hint(b.rule, b.rrtype)))
	}
	return out
}

// apexZone is the zone rs's name is the apex of when that is knowable
// without the zone: a registrable domain (one label below a public
// suffix, like example.com or example.co.uk) can only be the apex of the
// hosted zone that holds it. Otherwise "".
func apexZone(rs dns.RecordSet) string {
	name := strings.TrimSuffix(rs.Name, ".")
	if apex, err := publicsuffix.EffectiveTLDPlusOne(name); err == nil && apex == name {
		if _, icann := publicsuffix.PublicSuffix(name); icann {
			return rs.Name
		}
	}
	return ""
}

// fieldOf is the path of the field responsible for breaking rule: the
// weights come from migration.steps, the TTL from migration.ttl, the name
// and its record type from the domain (or preview domain) and endpoints.
func fieldOf(w write, rule rrsets.Rule) string {
	switch rule {
	case rrsets.RuleWeightRange, rrsets.RuleAllZero, rrsets.RuleMaxWeighted:
		return "migration.steps"
	case rrsets.RuleOneTTL:
		return "migration.ttl"
	case rrsets.RulePlainOrWeighted, rrsets.RuleOnePlain:
		return "migration.dns.provider"
	}
	return w.nameField
}

// hint says how to fix what the file controls.
func hint(rule rrsets.Rule, rrtype string) string {
	switch {
	case rule == rrsets.RuleCNAMEAtApex:
		return "; endpoints that are host names are published as a CNAME: at a zone apex publish them as aliases (legacy.alias, cluster.alias) or IP addresses"
	case rule == rrsets.RuleCNAMEBesideOthers && rrtype == dns.TypeCNAME:
		return "; another migration in this file writes a different type at the same name"
	case rule == rrsets.RuleCNAMEBesideOthers:
		return "; another migration in this file writes a CNAME at the same name"
	}
	return ""
}

// oneZone: migration.dns.hostedZoneId names one hosted zone for every name
// a migration writes (the domain, the preview domain, the lease beside the
// domain), and a zone holds only names at or below its own. Two names in
// different registrable domains (example.com, example.net) cannot share
// one.
func oneZone(f *spec.File, svc spec.Service) spec.ProblemList {
	m := svc.Migration
	if f.Migration.DNSSettings["hostedZoneId"] == "" || m.PreviewDomain == "" {
		return nil
	}
	a, errA := publicsuffix.EffectiveTLDPlusOne(strings.TrimSuffix(m.Domain, "."))
	b, errB := publicsuffix.EffectiveTLDPlusOne(strings.TrimSuffix(m.PreviewDomain, "."))
	if errA != nil || errB != nil || a == b {
		return nil
	}
	return spec.ProblemList{f.Problem("services."+svc.Name+".previewDomain",
		"with provider route53, migration.dns.hostedZoneId names one hosted zone for every record, but %s and %s are in different domains (%s, %s), which no one zone holds; use a preview domain under %s, or leave hostedZoneId out so each name finds its own zone",
		m.PreviewDomain, m.Domain, b, a, a)}
}

// sorted orders problems by position, as spec.Load does.
func sorted(l spec.ProblemList) spec.ProblemList {
	slices.SortStableFunc(l, func(a, b spec.Problem) int {
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line - b.Pos.Line
		}
		return a.Pos.Col - b.Pos.Col
	})
	return l
}
