package ha

import (
	"fmt"
	"slices"
	"strings"
)

// Outcome is the state of the cluster once a set of instances is gone.
type Outcome struct {
	// Etcd is one entry per etcd cluster.
	Etcd []EtcdOutcome `json:"etcd,omitempty"`
	// APIServers counts the API servers still up; APIUp says whether the
	// API still answers (an API server up and every etcd cluster quorate).
	APIServers int  `json:"apiServers"`
	APIUp      bool `json:"apiUp"`
	// Workers counts the worker instances still up.
	Workers int `json:"workers"`
	// Services are the services' ready replicas left.
	Services []ServiceOutcome `json:"services,omitempty"`
	// DrainBlockedBy lists the PodDisruptionBudgets (namespace/name) that
	// would block draining the lost instances before a planned outage.
	DrainBlockedBy []string `json:"drainBlockedBy,omitempty"`
}

// EtcdOutcome is what is left of one etcd cluster.
type EtcdOutcome struct {
	// Cluster names the etcd cluster.
	Cluster string `json:"cluster"`
	// Members is its size, Up how many members are left, Quorum how many
	// it needs, and Quorate whether Up reaches Quorum.
	Members int  `json:"members"`
	Up      int  `json:"up"`
	Quorum  int  `json:"quorum"`
	Quorate bool `json:"quorate"`
}

// ServiceOutcome is what is left of one service.
type ServiceOutcome struct {
	// Service is namespace/name.
	Service string `json:"service"`
	// Replicas is what it asks for, Ready what is left, and Serving
	// whether a ready replica is left (or none was asked for).
	Replicas int  `json:"replicas"`
	Ready    int  `json:"ready"`
	Serving  bool `json:"serving"`
}

// Quorum is the number of etcd members that must be up for a cluster of n
// members to accept writes: floor(n/2)+1.
func Quorum(n int) int { return n/2 + 1 }

// survives reports whether nothing the outcome judges was lost.
func (o Outcome) survives() bool {
	if !o.APIUp {
		return false
	}
	for _, e := range o.Etcd {
		if !e.Quorate {
			return false
		}
	}
	for _, s := range o.Services {
		if !s.Serving {
			return false
		}
	}
	return true
}

// margin is how many more losses the tightest part of the outcome can take;
// negative when something is already lost. It ranks outcomes by severity.
func (o Outcome) margin() int {
	m := o.APIServers - 1
	for _, e := range o.Etcd {
		m = min(m, e.Up-e.Quorum)
	}
	for _, s := range o.Services {
		if s.Replicas > 0 {
			m = min(m, s.Ready-1)
		}
	}
	return m
}

// evaluate computes the outcome of losing the instances in lost, which
// includes down, the instances that were down already. zoneLost, when not
// nil, names the zones lost too: a member that may run in one of them
// (Member.Zones) is counted as lost with it.
func evaluate(c Cluster, down map[string]bool, lost func(instance string) bool, zoneLost func(zone string) bool) Outcome {
	var o Outcome
	for _, e := range c.Etcd {
		up := 0
		for _, m := range e.Members {
			if !memberLost(m, lost, zoneLost) {
				up++
			}
		}
		q := Quorum(len(e.Members))
		o.Etcd = append(o.Etcd, EtcdOutcome{Cluster: e.Name, Members: len(e.Members), Up: up, Quorum: q, Quorate: up >= q})
	}
	for _, in := range c.Instances {
		if lost(in.Name) {
			continue
		}
		if in.APIServer {
			o.APIServers++
		}
		if in.Role == RoleWorker {
			o.Workers++
		}
	}
	o.APIUp = o.APIServers > 0 || c.Managed || c.ControlPlaneUnidentified
	for _, e := range o.Etcd {
		o.APIUp = o.APIUp && e.Quorate
	}
	for _, s := range c.Services {
		o.Services = append(o.Services, serviceOutcome(s, lost))
		if blocksDrain(s, down, lost) {
			o.DrainBlockedBy = append(o.DrainBlockedBy, s.Namespace+"/"+s.PDB.Name)
		}
	}
	return o
}

// memberLost reports a member that is down, on a lost instance, or able to
// run in a lost zone.
func memberLost(m Member, lost, zoneLost func(string) bool) bool {
	return m.Down || lost(m.Instance) || (zoneLost != nil && slices.ContainsFunc(m.Zones, zoneLost))
}

func serviceOutcome(s Service, lost func(string) bool) ServiceOutcome {
	ready := readyOn(s, func(inst string) bool { return !lost(inst) })
	return ServiceOutcome{
		Service:  s.Namespace + "/" + s.Name,
		Replicas: s.Replicas,
		Ready:    ready,
		Serving:  ready > 0 || s.Replicas == 0,
	}
}

// readyOn counts the service's ready pods on instances keep accepts.
func readyOn(s Service, keep func(instance string) bool) int {
	n := 0
	for _, p := range s.Pods {
		if p.Ready && keep(p.Instance) {
			n++
		}
	}
	return n
}

// blocksDrain reports whether the service's PDB would refuse to evict its
// pods from the lost instances: it allows no disruption right now and some
// of its ready pods run there.
func blocksDrain(s Service, down map[string]bool, lost func(string) bool) bool {
	if s.PDB == nil {
		return false
	}
	healthy := readyOn(s, func(inst string) bool { return !down[inst] })
	onLost := readyOn(s, func(inst string) bool { return lost(inst) && !down[inst] })
	return onLost > 0 && DisruptionsAllowed(*s.PDB, s.Replicas, healthy) == 0
}

// DisruptionsAllowed is how many voluntary evictions pdb permits when
// healthy of expected pods are ready, computed as the disruption
// controller does (percentages of expected pods, rounded up).
func DisruptionsAllowed(pdb PDB, expected, healthy int) int {
	var desired int
	switch {
	case pdb.MaxUnavailable != nil:
		desired = expected - pdb.MaxUnavailable.of(expected)
	case pdb.MinAvailable != nil:
		desired = pdb.MinAvailable.of(expected)
	}
	return max(0, healthy-max(0, desired))
}

// of resolves the amount against expected pods, rounding percentages up.
func (a Amount) of(expected int) int {
	if !a.Percent {
		return a.Value
	}
	return (a.Value*expected + 99) / 100
}

// String renders the amount as written in a PodDisruptionBudget.
func (a Amount) String() string {
	if a.Percent {
		return fmt.Sprintf("%d%%", a.Value)
	}
	return fmt.Sprint(a.Value)
}

func downSet(c Cluster) map[string]bool {
	down := map[string]bool{}
	for _, in := range c.Instances {
		if in.Down {
			down[in.Name] = true
		}
	}
	return down
}

// explain says in one line why the outcome of a failure of kind survives
// or not: the losses first, then what is left.
func explain(c Cluster, o Outcome, kind FailureKind) string {
	bad, good := explainControlPlane(c, o)
	serving := true
	for _, s := range o.Services {
		line := fmt.Sprintf("%s %d of %d ready", s.Service, s.Ready, s.Replicas)
		if s.Serving {
			good = append(good, line)
		} else {
			bad = append(bad, line+": not serving")
		}
		serving = serving && s.Serving
	}
	// Services' ready replicas say what the lost capacity means; without
	// services (kops specs) the workers left are the only word on it.
	switch {
	case !hasWorkers(c):
	case noWorkerLeft(c, o, kind) && serving:
		bad = append(bad, "no worker left")
	case len(c.Services) == 0:
		good = append(good, fmt.Sprintf("%d worker%s up", o.Workers, plural(o.Workers)))
	}
	if len(o.DrainBlockedBy) > 0 {
		good = append(good, "drain blocked by PDB "+strings.Join(o.DrainBlockedBy, ", "))
	}
	if !c.EtcdVisible && !c.Managed {
		good = append(good, "etcd not visible")
	}
	return strings.Join(append(bad, good...), "; ")
}

// explainControlPlane words what etcd and the API keep: losses in bad,
// the rest in good.
func explainControlPlane(c Cluster, o Outcome) (bad, good []string) {
	for _, e := range o.Etcd {
		s := fmt.Sprintf("etcd %s keeps %d of %d members (quorum %d)", e.Cluster, e.Up, e.Members, e.Quorum)
		if e.Quorate {
			good = append(good, s)
		} else {
			bad = append(bad, s+": quorum lost")
		}
	}
	switch {
	case c.Managed && o.APIUp:
		good = append(good, "API run by the provider")
	case c.ControlPlaneUnidentified && o.APIUp:
		good = append(good, "API servers not identified")
	case o.APIServers == 0 && !c.Managed && !c.ControlPlaneUnidentified:
		bad = append(bad, "no API server left")
	case !o.APIUp:
		bad = append(bad, "API down")
	default:
		good = append(good, fmt.Sprintf("%d API server%s up", o.APIServers, plural(o.APIServers)))
	}
	return bad, good
}

// noWorkerLeft reports a failure that takes every worker of a cluster that
// has workers: nothing is left to run the services on. "Any one instance"
// is judged on the control plane and the services only: a lone worker is
// the workers-zone-spread warning there rather than a lost row, since
// replacing one instance in its zone is routine while a lost zone or
// region leaves the workers nowhere to come back.
func noWorkerLeft(c Cluster, o Outcome, kind FailureKind) bool {
	return kind != FailInstance && o.Workers == 0 && hasWorkers(c)
}

// hasWorkers reports whether the cluster has worker instances at all;
// where it has none, workloads run on the control plane and losing workers
// means nothing.
func hasWorkers(c Cluster) bool {
	return slices.ContainsFunc(c.Instances, func(in Instance) bool { return in.Role == RoleWorker })
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
