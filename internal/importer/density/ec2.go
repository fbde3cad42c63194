// Package density packs services' resource requests onto a node type: how
// many nodes the services need on a cluster, replicas spread over zones,
// room left to drain any one node, and each node's system overhead taken
// off first. It compares that with the instances the services run on today
// and, given the user's prices, what each costs a month.
//
// Everything here is pure; prices come only from the caller.
package density

import (
	"slices"
	"strings"
)

// NodeType is an EC2 instance type's size.
type NodeType struct {
	Name string `json:"name"`
	// MilliCPU is its vCPUs in thousandths; MemoryMiB its memory.
	MilliCPU  int64 `json:"milliCPU"`
	MemoryMiB int64 `json:"memoryMiB"`
}

// family is a run of instance sizes sharing a memory-per-vCPU ratio.
type family struct {
	names  []string
	sizes  []string
	mibPer int64 // MiB of memory per vCPU
}

// sizeCPUs is the vCPUs of each size in the general-purpose families.
func sizeCPUs(size string) int64 {
	switch size {
	case "large":
		return 2
	case "xlarge":
		return 4
	}
	n := int64(0)
	for _, c := range strings.TrimSuffix(size, "xlarge") {
		n = n*10 + int64(c-'0')
	}
	return 4 * n
}

// InstanceTypes is the table of common EC2 instance types (vCPUs and
// memory as AWS lists them). Prices are not here: they differ by region,
// account and contract, so they come from the user.
func InstanceTypes() map[string]NodeType {
	sizes := []string{"large", "xlarge", "2xlarge", "4xlarge", "8xlarge"}
	families := []family{
		{names: []string{"m4", "m5", "m5a", "m6a", "m6i", "m6g", "m7a", "m7i", "m7g"}, sizes: sizes, mibPer: 4096},
		{names: []string{"c5a", "c6a", "c6i", "c6g", "c7a", "c7i", "c7g"}, sizes: sizes, mibPer: 2048},
		{names: []string{"r5", "r5a", "r6a", "r6i", "r6g", "r7i", "r7g"}, sizes: sizes, mibPer: 8192},
	}
	out := map[string]NodeType{}
	add := func(name string, cpus int64, mib int64) {
		out[name] = NodeType{Name: name, MilliCPU: cpus * 1000, MemoryMiB: mib}
	}
	for _, f := range families {
		for _, n := range f.names {
			for _, s := range f.sizes {
				add(n+"."+s, sizeCPUs(s), sizeCPUs(s)*f.mibPer)
			}
		}
	}
	for _, s := range []string{"large", "xlarge", "2xlarge", "4xlarge", "9xlarge"} { // c5 has 9xlarge, not 8xlarge
		add("c5."+s, sizeCPUs(s), sizeCPUs(s)*2048)
	}
	burst := []struct {
		size string
		cpus int64
		mib  int64
	}{{"nano", 2, 512}, {"micro", 2, 1024}, {"small", 2, 2048}, {"medium", 2, 4096}, {"large", 2, 8192}, {"xlarge", 4, 16384}, {"2xlarge", 8, 32768}}
	for _, b := range burst {
		for _, f := range []string{"t3", "t3a", "t4g"} {
			add(f+"."+b.size, b.cpus, b.mib)
		}
		t2 := b.cpus // t2's smallest sizes have one vCPU, t3's two
		if b.size == "nano" || b.size == "micro" || b.size == "small" {
			t2 = 1
		}
		add("t2."+b.size, t2, b.mib)
	}
	return out
}

// InstanceType looks a type up in the table.
func InstanceType(name string) (NodeType, bool) {
	t, ok := InstanceTypes()[name]
	return t, ok
}

// TypeNames are the table's types, sorted, for messages.
func TypeNames() []string {
	var names []string
	for n := range InstanceTypes() {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
