package density

import (
	"cmp"
	"slices"
)

// drainable reports whether the pods of any one node fit, together, on the
// free room of the other nodes (first fit, largest first): draining it can
// then finish, one eviction at a time, without a pod left pending.
func (p *Plan) drainable() bool {
	for i := range p.Nodes {
		if !p.fitsElsewhere(i) {
			return false
		}
	}
	return true
}

func (p *Plan) fitsElsewhere(drained int) bool {
	type room struct{ cpu, mem int64 }
	free := make([]room, 0, len(p.Nodes)-1)
	for i, n := range p.Nodes {
		if i != drained {
			free = append(free, room{p.Allocatable.MilliCPU - n.MilliCPU, p.Allocatable.MemoryMiB - n.MemoryMiB})
		}
	}
	pods := slices.Clone(p.Nodes[drained].Pods)
	slices.SortFunc(pods, func(a, b Pod) int {
		return cmp.Or(cmp.Compare(b.MilliCPU, a.MilliCPU), cmp.Compare(b.MemoryMiB, a.MemoryMiB))
	})
	for _, pod := range pods {
		i := slices.IndexFunc(free, func(r room) bool { return r.cpu >= pod.MilliCPU && r.mem >= pod.MemoryMiB })
		if i < 0 {
			return false
		}
		free[i].cpu -= pod.MilliCPU
		free[i].mem -= pod.MemoryMiB
	}
	return true
}
