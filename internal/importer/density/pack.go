package density

import (
	"cmp"
	"fmt"
	"slices"
)

// Workload is one service's replicas and what each requests.
type Workload struct {
	Name      string `json:"name"`
	Replicas  int    `json:"replicas"`
	MilliCPU  int64  `json:"milliCPU"`
	MemoryMiB int64  `json:"memoryMiB"`
}

// Pod is one replica placed on a node.
type Pod struct {
	Service   string `json:"service"`
	Replica   int    `json:"replica"`
	MilliCPU  int64  `json:"-"`
	MemoryMiB int64  `json:"-"`
}

// Node is one node of a plan and what it holds.
type Node struct {
	Zone string `json:"zone"`
	Pods []Pod  `json:"pods"`
	// MilliCPU and MemoryMiB are the requests placed on it.
	MilliCPU  int64 `json:"milliCPU"`
	MemoryMiB int64 `json:"memoryMiB"`
}

// Plan is services packed onto one node type.
type Plan struct {
	Type        NodeType `json:"type"`
	Allocatable Overhead `json:"allocatable"`
	Zones       []string `json:"zones"`
	Nodes       []Node   `json:"nodes"`
	// DrainNodes is how many of the nodes were added only so that any one
	// node can be drained: its pods fit on the others.
	DrainNodes int `json:"drainNodes"`
}

// TooBigError is a replica that fits on no node of the type.
type TooBigError struct {
	Service string
	Type    NodeType
	Alloc   Overhead
	Want    Workload
}

func (e *TooBigError) Error() string {
	return fmt.Sprintf("service %s requests %dm CPU and %dMi memory a replica; a %s node has %dm and %dMi allocatable",
		e.Service, e.Want.MilliCPU, e.Want.MemoryMiB, e.Type.Name, e.Alloc.MilliCPU, e.Alloc.MemoryMiB)
}

// Pack places every replica of every workload on nodes of type t spread
// over zones: the replicas of a service go round the zones (so two or more
// never sit in one zone when there are two zones), each on the fullest node
// of its zone that still fits it, preferring a node without another replica
// of the same service; then nodes are added until any one node can be
// drained onto the rest, which is what a PodDisruptionBudget of one
// unavailable pod needs to let a drain finish.
func Pack(ws []Workload, t NodeType, zones []string) (Plan, error) {
	p := Plan{Type: t, Allocatable: Allocatable(t), Zones: zones}
	if len(zones) == 0 {
		return p, fmt.Errorf("packing onto %s: no zones", t.Name)
	}
	order := slices.Clone(ws)
	slices.SortStableFunc(order, func(a, b Workload) int {
		return cmp.Or(cmp.Compare(p.size(b), p.size(a)), cmp.Compare(a.Name, b.Name))
	})
	for _, w := range order {
		if w.MilliCPU > p.Allocatable.MilliCPU || w.MemoryMiB > p.Allocatable.MemoryMiB {
			return p, &TooBigError{Service: w.Name, Type: t, Alloc: p.Allocatable, Want: w}
		}
		start := p.emptiestZone()
		for r := range w.Replicas {
			p.place(w, r, zones[(start+r)%len(zones)])
		}
	}
	for !p.drainable() {
		p.Nodes = append(p.Nodes, Node{Zone: zones[p.emptiestZone()]})
		p.DrainNodes++
	}
	return p, nil
}

// size is a workload's dominant share of a node.
func (p *Plan) size(w Workload) int64 {
	return max(w.MilliCPU*1_000_000/max(p.Allocatable.MilliCPU, 1), w.MemoryMiB*1_000_000/max(p.Allocatable.MemoryMiB, 1))
}

func (p *Plan) fits(n Node, w Workload) bool {
	return n.MilliCPU+w.MilliCPU <= p.Allocatable.MilliCPU && n.MemoryMiB+w.MemoryMiB <= p.Allocatable.MemoryMiB
}

// place puts one replica on the best node of zone, opening one if none fits.
func (p *Plan) place(w Workload, replica int, zone string) {
	best, bestScore := -1, int64(-1)
	for i, n := range p.Nodes {
		if n.Zone != zone || !p.fits(n, w) {
			continue
		}
		score := (n.MilliCPU*1_000_000/max(p.Allocatable.MilliCPU, 1) + n.MemoryMiB*1_000_000/max(p.Allocatable.MemoryMiB, 1))
		if !holds(n, w.Name) {
			score += 1 << 40 // another host for this service first
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 {
		p.Nodes = append(p.Nodes, Node{Zone: zone})
		best = len(p.Nodes) - 1
	}
	n := &p.Nodes[best]
	n.Pods = append(n.Pods, Pod{Service: w.Name, Replica: replica, MilliCPU: w.MilliCPU, MemoryMiB: w.MemoryMiB})
	n.MilliCPU += w.MilliCPU
	n.MemoryMiB += w.MemoryMiB
}

func holds(n Node, service string) bool {
	return slices.ContainsFunc(n.Pods, func(p Pod) bool { return p.Service == service })
}

// emptiestZone is the index of the zone with the least CPU placed (the
// first such).
func (p *Plan) emptiestZone() int {
	load := make([]int64, len(p.Zones))
	nodes := make([]int, len(p.Zones))
	for _, n := range p.Nodes {
		i := slices.Index(p.Zones, n.Zone)
		load[i] += n.MilliCPU
		nodes[i]++
	}
	best := 0
	for i := range p.Zones {
		if load[i] < load[best] || load[i] == load[best] && nodes[i] < nodes[best] {
			best = i
		}
	}
	return best
}
