package ha

import "slices"

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
	return l
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
	o.DrainBlockedBy = nil
	prev := -1
	// pods[x] lists service indices in order, so blocked budgets come out
	// in service order, as evaluate lists them.
	for _, i := range l.pods[x.Name] {
		o.Services[i].Ready--
		o.Services[i].Serving = o.Services[i].Ready > 0 || o.Services[i].Replicas == 0
		if s := l.c.Services[i]; i != prev && s.PDB != nil && DisruptionsAllowed(*s.PDB, s.Replicas, l.base.Services[i].Ready) == 0 {
			o.DrainBlockedBy = append(o.DrainBlockedBy, s.Namespace+"/"+s.PDB.Name)
		}
		prev = i
	}
	return o
}
