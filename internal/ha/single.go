package ha

import (
	"math"
	"slices"
)

// singleLoss evaluates losing one more instance without re-reading the
// whole cluster: it starts from the outcome with only the down instances
// lost and subtracts the etcd members and ready pods placed on the
// instance. It gives exactly what evaluate gives (TestSingleLossMatches);
// "any one instance" needs it once per instance, which made evaluate's
// full pass cost instances × pods.
type singleLoss struct {
	c    Cluster
	base Outcome
	// members and pods index, per instance, the etcd clusters of the
	// members and the services of the ready pods counted up in base.
	members map[string][]int
	pods    map[string][]int
	// serviceMargin is the least Ready-1 of base's services that have
	// replicas (math.MaxInt if none).
	serviceMargin int
}

func newSingleLoss(c Cluster, down map[string]bool) singleLoss {
	l := singleLoss{c: c, base: evaluate(c, down, in(down), nil), members: map[string][]int{}, pods: map[string][]int{}}
	for i, e := range c.Etcd {
		for _, m := range e.Members {
			if !down[m.Instance] && !m.Down {
				l.members[m.Instance] = append(l.members[m.Instance], i)
			}
		}
	}
	for i, s := range c.Services {
		for _, p := range s.Pods {
			if p.Ready && !down[p.Instance] {
				l.pods[p.Instance] = append(l.pods[p.Instance], i)
			}
		}
	}
	l.serviceMargin = math.MaxInt
	for _, s := range l.base.Services {
		if s.Replicas > 0 {
			l.serviceMargin = min(l.serviceMargin, s.Ready-1)
		}
	}
	return l
}

// margin is without(x).margin() without building that outcome, which
// copies every service: "any one instance" asks it of every instance, so
// that copy cost instances × services (quadratic at 10,000 nodes). Losing x
// only lowers the services with pods on x, so the least margin is the
// least of theirs after the loss and the base's least over all services.
func (l singleLoss) margin(x Instance) int {
	apis := l.base.APIServers
	if x.APIServer {
		apis--
	}
	m := apis - 1
	for i, e := range l.base.Etcd {
		up := e.Up
		for _, j := range l.members[x.Name] {
			if j == i {
				up--
			}
		}
		m = min(m, up-e.Quorum)
	}
	m = min(m, l.serviceMargin)
	lost := 0
	for k, i := range l.pods[x.Name] {
		// pods[x] holds a service's index once per pod, in runs.
		if lost++; k+1 < len(l.pods[x.Name]) && l.pods[x.Name][k+1] == i {
			continue
		}
		if s := l.base.Services[i]; s.Replicas > 0 {
			m = min(m, s.Ready-lost-1)
		}
		lost = 0
	}
	return m
}

// blockedBy is without(x).DrainBlockedBy, without building the outcome.
// pods[x] lists service indices in order, so blocked budgets come out in
// service order, as evaluate lists them.
func (l singleLoss) blockedBy(x Instance) []string {
	var out []string
	prev := -1
	for _, i := range l.pods[x.Name] {
		if s := l.c.Services[i]; i != prev && s.PDB != nil && DisruptionsAllowed(*s.PDB, s.Replicas, l.base.Services[i].Ready) == 0 {
			out = append(out, s.Namespace+"/"+s.PDB.Name)
		}
		prev = i
	}
	return out
}

// without is the outcome of losing x on top of the down instances.
func (l singleLoss) without(x Instance) Outcome {
	o := l.base
	o.Etcd = slices.Clone(l.base.Etcd)
	for _, i := range l.members[x.Name] {
		o.Etcd[i].Up--
	}
	if x.APIServer {
		o.APIServers--
	}
	if x.Role == RoleWorker {
		o.Workers--
	}
	o.APIUp = o.APIServers > 0 || l.c.Managed || l.c.ControlPlaneUnidentified
	for i := range o.Etcd {
		o.Etcd[i].Quorate = o.Etcd[i].Up >= o.Etcd[i].Quorum
		o.APIUp = o.APIUp && o.Etcd[i].Quorate
	}
	o.Services = slices.Clone(l.base.Services)
	for _, i := range l.pods[x.Name] {
		o.Services[i].Ready--
		o.Services[i].Serving = o.Services[i].Ready > 0 || o.Services[i].Replicas == 0
	}
	o.DrainBlockedBy = l.blockedBy(x)
	return o
}
