package ha

import (
	"fmt"
	"maps"
	"slices"
)

// FailureKind is the size of a failure domain.
type FailureKind string

// Failure kinds, from the smallest domain to the largest. Now is not a
// failure: it is the cluster as it is, when instances are already down.
const (
	// FailNow is the cluster as it is, with its down instances.
	FailNow FailureKind = "now"
	// FailInstance is losing any one instance.
	FailInstance FailureKind = "instance"
	// FailZone is losing every instance of a zone.
	FailZone FailureKind = "zone"
	// FailRegion is losing every instance of a region.
	FailRegion FailureKind = "region"
)

// ParseFailureKind reads the value of --require.
func ParseFailureKind(s string) (FailureKind, error) {
	switch k := FailureKind(s); k {
	case FailInstance, FailZone, FailRegion:
		return k, nil
	}
	return "", fmt.Errorf("%q: want instance, zone or region", s)
}

// covers reports whether requiring k also requires surviving failures of
// kind other: a zone holds instances and a region holds zones, so each
// requirement includes the smaller ones (and the current state).
func (k FailureKind) covers(other FailureKind) bool {
	order := []FailureKind{FailNow, FailInstance, FailZone, FailRegion}
	return slices.Index(order, other) <= slices.Index(order, k)
}

// Scenario is one failure and what the cluster keeps through it.
type Scenario struct {
	// Failure names the failure: "any one instance", "zone us-west-1a",
	// "region us-west-1", or "now (2 instances down)".
	Failure string `json:"failure"`
	// Kind is the failure's size, matched against --require.
	Kind FailureKind `json:"kind"`
	// Survives is the verdict and Why the one line that explains it.
	Survives bool   `json:"survives"`
	Why      string `json:"why"`
	// Outcome is the state after the failure; for "any one instance" it
	// is the worst instance's.
	Outcome
}

// Scenarios computes the current state (when instances are down), losing
// any one instance, each zone, and each region, in that order.
func Scenarios(c Cluster) []Scenario {
	down := downSet(c)
	var out []Scenario
	if len(down) > 0 {
		o := evaluate(c, down, in(down), nil)
		out = append(out, scenario(c, fmt.Sprintf("now (%d instance%s down)", len(down), plural(len(down))), FailNow, o))
	}
	out = append(out, anyInstance(c, down))
	zoneOf, regionOf := zoneIndex(c), regionIndex(c)
	for _, z := range clusterZones(c) {
		lost := func(name string) bool { return down[name] || zoneOf[name] == z }
		is := func(zone string) bool { return zone == z }
		out = append(out, scenario(c, "zone "+zoneName(z), FailZone, evaluate(c, down, lost, is)))
	}
	for _, r := range regions(c.Instances) {
		lost := func(name string) bool { return down[name] || regionOf[name] == r }
		o := evaluate(c, down, lost, nil)
		if c.Managed {
			// A provider's control plane lives in the cluster's region.
			o.APIUp = false
		}
		out = append(out, scenario(c, "region "+regionName(r), FailRegion, o))
	}
	return out
}

func scenario(c Cluster, failure string, kind FailureKind, o Outcome) Scenario {
	survives := o.survives() && !noWorkerLeft(c, o, kind)
	return Scenario{Failure: failure, Kind: kind, Survives: survives, Why: explain(c, o, kind), Outcome: o}
}

// anyInstance loses each instance that is still up in turn and keeps the
// worst outcome: the failure survives only if every single loss does.
func anyInstance(c Cluster, down map[string]bool) Scenario {
	var worst *Instance
	worstMargin := 0
	blocked := map[string]bool{}
	loss := newSingleLoss(c, down)
	for _, in := range c.Instances {
		if down[in.Name] {
			continue
		}
		for _, b := range loss.blockedBy(in) {
			blocked[b] = true
		}
		// The outcome itself is built only for the worst loss: building
		// one per instance cost instances × services.
		if m := loss.margin(in); worst == nil || m < worstMargin {
			worst, worstMargin = &in, m
		}
	}
	if worst == nil {
		o := evaluate(c, down, in(down), nil)
		s := scenario(c, "any one instance", FailInstance, o)
		s.Survives, s.Why = false, "no instance is up"
		return s
	}
	s := scenario(c, "any one instance", FailInstance, loss.without(*worst))
	s.Why = fmt.Sprintf("worst is losing %s (%s): %s", worst.Name, zoneName(worst.Zone), s.Why)
	s.DrainBlockedBy = slices.Sorted(maps.Keys(blocked))
	return s
}

// in turns a set into a membership test.
func in(set map[string]bool) func(string) bool {
	return func(name string) bool { return set[name] }
}

// regionIndex maps instance names to their regions.
func regionIndex(c Cluster) map[string]string {
	r := make(map[string]string, len(c.Instances))
	for _, in := range c.Instances {
		r[in.Name] = in.Region
	}
	return r
}

// clusterZones lists the zones of the instances and the zones etcd
// members may run in, sorted: each is a zone failure to judge.
func clusterZones(c Cluster) []string {
	var zs []string
	for _, in := range c.Instances {
		zs = appendNew(zs, in.Zone)
	}
	for _, e := range c.Etcd {
		for _, m := range e.Members {
			for _, z := range m.Zones {
				zs = appendNew(zs, z)
			}
		}
	}
	slices.Sort(zs)
	return zs
}

func regions(ins []Instance) []string {
	var rs []string
	for _, in := range ins {
		if !slices.Contains(rs, in.Region) {
			rs = append(rs, in.Region)
		}
	}
	slices.Sort(rs)
	return rs
}

// zoneName and regionName show an unlabelled domain (all instances without
// the label count as one domain, the cautious reading).
func zoneName(z string) string {
	if z == "" {
		return "(unlabelled)"
	}
	return z
}

func regionName(r string) string {
	if r == "" {
		return "(unnamed)"
	}
	return r
}
