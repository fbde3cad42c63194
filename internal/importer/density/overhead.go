package density

// Overhead is what a node keeps for itself before any pod is placed.
type Overhead struct {
	MilliCPU  int64 `json:"milliCPU"`
	MemoryMiB int64 `json:"memoryMiB"`
}

// Per-node system pods (kube-proxy, the CNI agent, a log shipper): what
// their requests add up to on a typical EKS or kops node.
const (
	daemonSetMilliCPU  = 100
	daemonSetMemoryMiB = 128
	// evictionMiB is the kubelet's default hard eviction threshold
	// (memory.available<100Mi).
	evictionMiB = 100
)

// NodeOverhead is the kubelet's and the system's reservation on a node of
// type t: GKE's published kube-reserved formula (a share of each band of
// CPU and memory), the kubelet's eviction threshold and the system
// DaemonSets' requests. It is a documented estimate, the same for every
// plan, so node types compare fairly.
func NodeOverhead(t NodeType) Overhead {
	return Overhead{
		MilliCPU:  reservedCPU(t.MilliCPU) + daemonSetMilliCPU,
		MemoryMiB: reservedMemory(t.MemoryMiB) + evictionMiB + daemonSetMemoryMiB,
	}
}

// reservedCPU: 6% of the first core, 1% of the second, 0.5% of the third
// and fourth, 0.25% of the rest.
func reservedCPU(milli int64) int64 {
	return bands(milli, []band{{1000, 600}, {1000, 100}, {2000, 50}, {1 << 40, 25}})
}

// reservedMemory: 255 MiB below 1 GiB; else 25% of the first 4 GiB, 20% of
// the next 4, 10% of the next 8, 6% of the next 112 and 2% of the rest.
func reservedMemory(mib int64) int64 {
	if mib < 1024 {
		return 255
	}
	return bands(mib, []band{{4096, 2500}, {4096, 2000}, {8192, 1000}, {112 * 1024, 600}, {1 << 40, 200}})
}

// band is a width of a resource and the share of it reserved, in hundredths
// of a percent.
type band struct{ width, basisPoints int64 }

// bands sums each band's share of total, rounding the sum up.
func bands(total int64, bs []band) int64 {
	var sum int64 // in ten-thousandths of the unit
	for _, b := range bs {
		w := min(total, b.width)
		if w <= 0 {
			break
		}
		sum += w * b.basisPoints
		total -= w
	}
	return (sum + 9999) / 10000
}

// Allocatable is what pods may request on a node of type t.
func Allocatable(t NodeType) Overhead {
	o := NodeOverhead(t)
	return Overhead{MilliCPU: t.MilliCPU - o.MilliCPU, MemoryMiB: t.MemoryMiB - o.MemoryMiB}
}
