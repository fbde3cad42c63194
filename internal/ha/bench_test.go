package ha

import (
	"fmt"
	"testing"
)

// bigCluster is a large cluster: 5 control-plane instances, workers
// spread over three zones, services of three replicas each.
func bigCluster(workers, services int) Cluster {
	zones := []string{"a", "b", "c"}
	ins, e := cp("a", "b", "c", "a", "b")
	for i := range workers {
		ins = append(ins, worker(fmt.Sprintf("w-%d", i), zones[i%3]))
	}
	c := Cluster{Name: "big", EtcdVisible: true, Instances: ins, Etcd: []EtcdCluster{e}}
	for s := range services {
		svc := Service{Namespace: "ns", Name: fmt.Sprintf("svc-%d", s), Replicas: 3, PDB: &PDB{Name: "pdb", MaxUnavailable: &Amount{Value: 1}}}
		for r := range 3 {
			svc.Pods = append(svc.Pods, Pod{Name: fmt.Sprintf("p-%d-%d", s, r), Instance: fmt.Sprintf("w-%d", (s*3+r)%workers), Ready: true})
		}
		c.Services = append(c.Services, svc)
	}
	return c
}

func BenchmarkAnalyze(b *testing.B) {
	for _, size := range []struct{ workers, services int }{{10, 10}, {100, 100}, {1000, 1000}, {10000, 10000}} {
		c := bigCluster(size.workers, size.services)
		b.Run(fmt.Sprintf("workers=%d/services=%d", size.workers, size.services), func(b *testing.B) {
			for b.Loop() {
				Analyze(c)
			}
		})
	}
}
