package ha

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Report is the whole answer for one cluster: what "ferry check" prints.
type Report struct {
	// Cluster names the cluster.
	Cluster string `json:"cluster"`
	// ControlPlane is where the control plane and the workers run.
	ControlPlane ControlPlane `json:"controlPlane"`
	// Scenarios are the failures judged, smallest first.
	Scenarios []Scenario `json:"scenarios"`
	// Findings are the audits' results, never nil.
	Findings []Finding `json:"findings"`
}

// ControlPlane summarizes where the control plane and the workers run.
type ControlPlane struct {
	// Managed is a control plane run by the provider and not visible.
	Managed bool `json:"managed"`
	// Unidentified is a control plane whose pods are visible but whose
	// nodes cannot be told apart (Cluster.ControlPlaneUnidentified).
	Unidentified bool `json:"unidentified,omitempty"`
	// EtcdVisible reports whether etcd's members are known.
	EtcdVisible bool `json:"etcdVisible"`
	// Regions and Zones hold the control-plane instances.
	Regions []string `json:"regions"`
	Zones   []string `json:"zones"`
	// APIServersPerZone counts API servers that are up, by zone.
	APIServersPerZone map[string]int `json:"apiServersPerZone"`
	// Etcd summarizes each etcd cluster.
	Etcd []EtcdSummary `json:"etcd"`
	// WorkersPerZone counts worker instances that are up, by zone.
	WorkersPerZone map[string]int `json:"workersPerZone"`
	// Instances are every instance read, as read.
	Instances []Instance `json:"instances"`
}

// EtcdSummary is one etcd cluster's size and spread.
type EtcdSummary struct {
	// Name names the etcd cluster.
	Name string `json:"name"`
	// Members is its size and Quorum the members it needs up.
	Members int `json:"members"`
	Quorum  int `json:"quorum"`
	// Tolerates is how many instances may be lost, whichever they are,
	// with quorum kept (counted from the members that are up now).
	Tolerates int `json:"toleratesInstanceLosses"`
	// MembersPerZone lists member names by zone; a member whose instance
	// group spans zones is listed under "ZONE or ZONE".
	MembersPerZone map[string][]string `json:"membersPerZone"`
}

// Analyze computes the report for c.
func Analyze(c Cluster) Report {
	return Report{
		Cluster:      c.Name,
		ControlPlane: summarize(c),
		Scenarios:    Scenarios(c),
		Findings:     Audit(c),
	}
}

// Failures lists why the report does not meet require: every scenario of
// that size or smaller that is not survived, and every error finding.
// An empty list means the check passes; warnings never fail it.
func (r Report) Failures(require FailureKind) []string {
	var out []string
	for _, s := range r.Scenarios {
		if !s.Survives && require.covers(s.Kind) {
			out = append(out, notSurvived(s))
		}
	}
	for _, f := range r.Findings {
		if f.Severity == SeverityError {
			out = append(out, fmt.Sprintf("error %s: %s", f.Check, f.Message))
		}
	}
	return out
}

// notSurvived says in a sentence that a scenario fails.
func notSurvived(s Scenario) string {
	if s.Kind == FailNow {
		return "already failing " + s.Failure
	}
	return "losing " + s.Failure + " is not survived"
}

func summarize(c Cluster) ControlPlane {
	cp := ControlPlane{
		Managed:           c.Managed,
		Unidentified:      c.ControlPlaneUnidentified,
		EtcdVisible:       c.EtcdVisible,
		Regions:           []string{},
		Zones:             []string{},
		APIServersPerZone: map[string]int{},
		Etcd:              []EtcdSummary{},
		WorkersPerZone:    map[string]int{},
		Instances:         c.Instances,
	}
	for _, in := range c.Instances {
		if in.Role != RoleWorker {
			cp.Regions = appendNew(cp.Regions, in.Region)
			cp.Zones = appendNew(cp.Zones, in.Zone)
		}
		switch {
		case in.Down:
		case in.APIServer:
			cp.APIServersPerZone[in.Zone]++
		case in.Role == RoleWorker:
			cp.WorkersPerZone[in.Zone]++
		}
	}
	for _, e := range c.Etcd {
		cp.Etcd = append(cp.Etcd, etcdSummary(c, e))
		for _, m := range e.Members {
			for _, z := range m.Zones {
				cp.Zones = appendNew(cp.Zones, z)
			}
		}
	}
	slices.Sort(cp.Regions)
	slices.Sort(cp.Zones)
	return cp
}

func etcdSummary(c Cluster, e EtcdCluster) EtcdSummary {
	s := EtcdSummary{Name: e.Name, Members: len(e.Members), Quorum: Quorum(len(e.Members)), MembersPerZone: map[string][]string{}}
	down := downSet(c)
	perInstance := map[string]int{}
	up := 0
	for _, m := range e.Members {
		z := instanceZone(c, m.Instance)
		if len(m.Zones) > 1 {
			z = strings.Join(slices.Sorted(slices.Values(m.Zones)), " or ")
		}
		s.MembersPerZone[z] = append(s.MembersPerZone[z], m.Name)
		if !down[m.Instance] && !m.Down {
			perInstance[m.Instance]++
			up++
		}
	}
	// The worst losses take the instances holding the most members first.
	counts := make([]int, 0, len(perInstance))
	for _, n := range perInstance {
		counts = append(counts, n)
	}
	slices.SortFunc(counts, func(a, b int) int { return cmp.Compare(b, a) })
	for _, n := range counts {
		if up-n < s.Quorum {
			break
		}
		up -= n
		s.Tolerates++
	}
	return s
}

func instanceZone(c Cluster, name string) string {
	for _, in := range c.Instances {
		if in.Name == name {
			return in.Zone
		}
	}
	return ""
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
