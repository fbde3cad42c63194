package estate

import (
	"fmt"
	"slices"
	"strings"

	"ferry.dev/ferry/internal/importer/tfstate"
)

// res is one resource with its attributes typed for reading.
type res struct {
	tfstate.Resource
	a attrs
}

// builder holds the index Build works from and what it has decided about
// each resource.
type builder struct {
	all    []res
	byType map[string][]res
	// became and ignored record, by address, what a resource became or why
	// it was left out; a resource in neither gets a reason by its type.
	became  map[string]role
	ignored map[string]string
}

// role is what a resource became: part of the service of balancer svc
// (its address; "" for a resource that serves every service).
type role struct{ svc, what string }

// Build decides what resources mean for ferry. The same managed resource
// read twice (two inputs holding one balancer, a state and its backup)
// counts once; data sources may read one object many times and are kept.
func Build(resources []tfstate.Resource) Estate {
	b := &builder{byType: map[string][]res{}, became: map[string]role{}, ignored: map[string]string{}}
	seen := map[string]string{}
	for _, r := range resources {
		x := res{Resource: r, a: attrs(r.Attrs)}
		b.all = append(b.all, x)
		id := cmpOr(x.a.str("arn"), x.a.str("id"))
		key := r.Mode + " " + r.Type + " " + id
		if first, dup := seen[key]; dup && id != "" && r.Mode == "managed" {
			b.ignored[b.key(x)] = "the same resource as " + first + ": read once"
			continue
		}
		seen[key] = r.Address + " (" + r.File + ")"
		b.byType[r.Type] = append(b.byType[r.Type], x)
	}
	var e Estate
	for _, bal := range b.balancers() {
		e.Services = append(e.Services, b.service(bal))
	}
	b.attachRecords(e.Services)
	nameServices(e.Services)
	slices.SortFunc(e.Services, func(x, y Service) int { return strings.Compare(x.Name, y.Name) })
	e.Region, e.Regions = b.regions()
	e.Resources = b.entries(e.Services)
	return e
}

// key identifies a resource instance across inputs in the maps.
func (b *builder) key(r res) string { return r.File + "\x00" + r.Address }

// use records that r is part of the service of balancer svc.
func (b *builder) use(r res, svc, what string, args ...any) {
	k := b.key(r)
	if _, done := b.became[k]; !done {
		b.became[k] = role{svc: svc, what: fmt.Sprintf(what, args...)}
	}
}

func (b *builder) skip(r res, why string, args ...any) {
	k := b.key(r)
	if _, done := b.ignored[k]; !done {
		b.ignored[k] = fmt.Sprintf(why, args...)
	}
}

// managed returns the managed resources of the given types.
func (b *builder) managed(types ...string) []res {
	var out []res
	for _, t := range types {
		for _, r := range b.byType[t] {
			if r.Mode == "managed" {
				out = append(out, r)
			}
		}
	}
	return out
}

// regions counts the regions the resources' ARNs and zones name.
func (b *builder) regions() (string, []string) {
	count := map[string]int{}
	for _, r := range b.all {
		reg := cmpOr(regionOf(r.a.str("arn")), zoneRegion(r.a.str("availability_zone")))
		if reg != "" {
			count[reg]++
		}
	}
	var all []string
	best := ""
	for reg, n := range count {
		all = append(all, reg)
		if n > count[best] || n == count[best] && reg < best {
			best = reg
		}
	}
	slices.Sort(all)
	return best, all
}

func cmpOr(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func appendNew(list []string, vals ...string) []string {
	for _, v := range vals {
		if v != "" && !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}
