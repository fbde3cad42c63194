package density

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func mustType(t *testing.T, name string) NodeType {
	t.Helper()
	nt, ok := InstanceType(name)
	if !ok {
		t.Fatalf("%s is not in the table", name)
	}
	return nt
}

// TestAllocatable: the overhead worked out by hand from GKE's bands plus
// the 100Mi eviction threshold and 100m/128Mi of system DaemonSets.
func TestAllocatable(t *testing.T) {
	tests := []struct {
		typ  string
		want Overhead
	}{
		// CPU 6% of 1000m + 1% of 1000m = 70m; memory 25% of 4096 + 20% of 4096 = 1843.2 → 1844Mi.
		{typ: "m5.large", want: Overhead{MilliCPU: 2000 - 70 - 100, MemoryMiB: 8192 - 1844 - 100 - 128}},
		// + 0.5% of 2000m = 80m; + 10% of 8192Mi = 2662.4 → 2663Mi.
		{typ: "m5.xlarge", want: Overhead{MilliCPU: 4000 - 80 - 100, MemoryMiB: 16384 - 2663 - 100 - 128}},
		// 8 vCPU: 80m + 0.25% of 4000m = 90m; 32Gi: 2662.4 + 6% of 16384 = 3645.44 → 3646Mi.
		{typ: "m5.2xlarge", want: Overhead{MilliCPU: 8000 - 90 - 100, MemoryMiB: 32768 - 3646 - 100 - 128}},
		// under 1Gi the memory reservation is a flat 255Mi.
		{typ: "t3.nano", want: Overhead{MilliCPU: 2000 - 70 - 100, MemoryMiB: 512 - 255 - 100 - 128}},
	}
	for _, tt := range tests {
		if got := Allocatable(mustType(t, tt.typ)); got != tt.want {
			t.Errorf("Allocatable(%s) = %+v, want %+v", tt.typ, got, tt.want)
		}
	}
}

func TestInstanceTable(t *testing.T) {
	for name, want := range map[string][2]int64{
		"t2.micro": {1000, 1024}, "t3.micro": {2000, 1024}, "t3.medium": {2000, 4096}, "m5.large": {2000, 8192},
		"c5.9xlarge": {36000, 73728}, "r6g.4xlarge": {16000, 131072}, "m7i.8xlarge": {32000, 131072},
	} {
		nt := mustType(t, name)
		if nt.MilliCPU != want[0] || nt.MemoryMiB != want[1] {
			t.Errorf("%s = %+v, want %dm %dMi", name, nt, want[0], want[1])
		}
	}
}

// layout is a plan boiled down: per node its zone and pods.
func layout(p Plan) [][]string {
	var out [][]string
	for _, n := range p.Nodes {
		row := []string{n.Zone}
		for _, pod := range n.Pods {
			row = append(row, pod.Service+"-"+string(rune('0'+pod.Replica)))
		}
		out = append(out, row)
	}
	return out
}

// TestPackHandComputed: layouts worked out by hand (the reasoning is in
// each case's comment).
func TestPackHandComputed(t *testing.T) {
	api := Workload{Name: "api", Replicas: 3, MilliCPU: 1500, MemoryMiB: 1024}
	www := Workload{Name: "www", Replicas: 2, MilliCPU: 100, MemoryMiB: 128}
	abc := []string{"a", "b", "c"}
	tests := []struct {
		name  string
		ws    []Workload
		typ   string
		zones []string
		want  [][]string
		drain int
	}{{
		// 1830m allocatable: one api replica a node, one per zone; www joins
		// a and b. Draining a (1600m) needs 1500m free somewhere: none has
		// it, so a fourth node goes to the least loaded zone, c.
		name: "m5.large", ws: []Workload{www, api}, typ: "m5.large", zones: abc,
		want:  [][]string{{"a", "api-0", "www-0"}, {"b", "api-1", "www-1"}, {"c", "api-2"}, {"c"}},
		drain: 1,
	}, {
		// 3820m allocatable: the same placement, and each node's pods fit in
		// the 2220m/2320m the others have left.
		name: "m5.xlarge", ws: []Workload{api, www}, typ: "m5.xlarge", zones: abc,
		want: [][]string{{"a", "api-0", "www-0"}, {"b", "api-1", "www-1"}, {"c", "api-2"}},
	}, {
		// Two zones (us-west-1): 1000m replicas, one a node (2000m > 1830m),
		// alternating a, b; a fifth node so any one can be drained.
		name: "two zones", ws: []Workload{{Name: "app", Replicas: 4, MilliCPU: 1000, MemoryMiB: 1024}}, typ: "m5.large", zones: []string{"a", "b"},
		want:  [][]string{{"a", "app-0"}, {"b", "app-1"}, {"a", "app-2"}, {"b", "app-3"}, {"a"}},
		drain: 1,
	}, {
		// Small replicas share a node, but never while another node of the
		// zone is free of their service.
		name: "hosts before sharing", ws: []Workload{{Name: "s", Replicas: 4, MilliCPU: 100, MemoryMiB: 64}}, typ: "m5.large", zones: []string{"a"},
		want:  [][]string{{"a", "s-0", "s-1", "s-2", "s-3"}, {"a"}},
		drain: 1,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Pack(tt.ws, mustType(t, tt.typ), tt.zones)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, layout(p)); diff != "" {
				t.Errorf("layout (-want +got):\n%s", diff)
			}
			if p.DrainNodes != tt.drain {
				t.Errorf("%d nodes added for draining, want %d", p.DrainNodes, tt.drain)
			}
		})
	}
}

func TestPackTooBig(t *testing.T) {
	_, err := Pack([]Workload{{Name: "big", Replicas: 2, MilliCPU: 3000, MemoryMiB: 512}}, mustType(t, "m5.large"), []string{"a", "b"})
	var tb *TooBigError
	if !errors.As(err, &tb) || tb.Service != "big" {
		t.Fatalf("error %v, want a *TooBigError for big", err)
	}
}

// TestPackProperties: for random services on random node types over one to
// three zones, no node is over-committed, every replica is placed once, no
// service of two or more replicas has all of them in one zone when there
// are two zones or more, and any one node can be drained onto the others.
func TestPackProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 2026))
	types := []string{"t3.medium", "m5.large", "m5.xlarge", "c6i.2xlarge", "r6g.large"}
	for i := range 300 {
		nt := mustType(t, types[rng.IntN(len(types))])
		zones := []string{"a", "b", "c"}[:1+rng.IntN(3)]
		var ws []Workload
		for j := range 1 + rng.IntN(10) {
			ws = append(ws, Workload{Name: string(rune('a'+j)) + "svc", Replicas: 1 + rng.IntN(6),
				MilliCPU: 50 + rng.Int64N(2000), MemoryMiB: 64 + rng.Int64N(4096)})
		}
		p, err := Pack(ws, nt, zones)
		var tb *TooBigError
		if errors.As(err, &tb) {
			continue
		}
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		checkPlan(t, i, p, ws)
	}
}

func checkPlan(t *testing.T, i int, p Plan, ws []Workload) {
	t.Helper()
	placed := map[string]map[string]int{} // service → zone → replicas
	for k, n := range p.Nodes {
		var cpu, mem int64
		for _, pod := range n.Pods {
			cpu, mem = cpu+pod.MilliCPU, mem+pod.MemoryMiB
			if placed[pod.Service] == nil {
				placed[pod.Service] = map[string]int{}
			}
			placed[pod.Service][n.Zone]++
		}
		if cpu > p.Allocatable.MilliCPU || mem > p.Allocatable.MemoryMiB || cpu != n.MilliCPU || mem != n.MemoryMiB {
			t.Errorf("case %d: node %d holds %dm/%dMi (says %dm/%dMi) of %+v", i, k, cpu, mem, n.MilliCPU, n.MemoryMiB, p.Allocatable)
		}
		if !p.fitsElsewhere(k) {
			t.Errorf("case %d: node %d cannot be drained", i, k)
		}
	}
	for _, w := range ws {
		total := 0
		for _, n := range placed[w.Name] {
			total += n
		}
		if total != w.Replicas {
			t.Errorf("case %d: %s has %d replicas placed, want %d", i, w.Name, total, w.Replicas)
		}
		if w.Replicas >= 2 && len(p.Zones) >= 2 && len(placed[w.Name]) < 2 {
			t.Errorf("case %d: all %d replicas of %s in one zone: %v", i, w.Replicas, w.Name, placed[w.Name])
		}
	}
}

func TestCompareAndPrices(t *testing.T) {
	prices, err := ParsePrices("prices.yaml", []byte("currency: USD\nhourly:\n  m5.large: 0.096\n  t3.medium: 0.0416\n"))
	if err != nil {
		t.Fatal(err)
	}
	ws := []Workload{{Name: "api", Replicas: 3, MilliCPU: 1500, MemoryMiB: 1024}}
	p, err := Pack(ws, mustType(t, "m5.large"), []string{"a", "b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	c := Compare(map[string]int{"t3.medium": 5}, p, ws, &prices)
	if c.Before.Machines != 5 || c.Before.Available.MilliCPU != 10000 || c.Before.Available.MemoryMiB != 20480 {
		t.Errorf("before %+v", c.Before)
	}
	if c.Before.Monthly == nil || *c.Before.Monthly != 5*0.0416*730 {
		t.Errorf("before monthly %v, want %v", c.Before.Monthly, 5*0.0416*730)
	}
	if n := len(p.Nodes); c.After.Machines != n || c.After.Monthly == nil || *c.After.Monthly != float64(n)*0.096*730 {
		t.Errorf("after %+v with %d nodes", c.After, n)
	}
	if c.After.Requested != (Overhead{MilliCPU: 4500, MemoryMiB: 3072}) {
		t.Errorf("requested %+v", c.After.Requested)
	}
	c = Compare(map[string]int{"x1e.32xlarge": 1}, p, ws, &prices)
	if c.Before.Monthly != nil || c.Before.Why != "no price for x1e.32xlarge" || len(c.Before.Unknown) != 1 {
		t.Errorf("unknown type: %+v", c.Before)
	}
	for _, bad := range []string{"hourly: {}", "hourly:\n  m5.large: -1", "prices: {}", "hourly: [1]"} {
		if _, err := ParsePrices("p.yaml", []byte(bad)); err == nil {
			t.Errorf("ParsePrices(%q) accepted it", bad)
		}
	}
}
