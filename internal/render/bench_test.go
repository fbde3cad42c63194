package render

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"ferry.dev/ferry/internal/spec"
)

// BenchmarkRender loads, renders and encodes n services, to check that the
// cost per service stays flat as n grows (go test -bench Render ./internal/render).
func BenchmarkRender(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		data := []byte(benchFile(n))
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			for b.Loop() {
				f, err := spec.Load("bench.yaml", data)
				if err != nil {
					b.Fatal(err)
				}
				if err := WriteYAML(io.Discard, f, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(n), "µs/service")
		})
	}
}

// BenchmarkRenderPhases times loading 1000 services, rendering them to
// objects (what deploy does) and rendering them to YAML (what ferry render
// does, rendering and encoding together) apart, each with the CPU it took
// (cpu-ms/op, where the platform tells), which on a shared machine says
// more than the wall time does:
// go test -run '^$' -bench RenderPhases -benchmem ./internal/render
func BenchmarkRenderPhases(b *testing.B) {
	data := []byte(benchFile(1000))
	f, err := spec.Load("bench.yaml", data)
	if err != nil {
		b.Fatal(err)
	}
	phases := []struct {
		name string
		run  func() error
	}{
		{"load", func() error { _, err := spec.Load("bench.yaml", data); return err }},
		{"render", func() error { _, err := Render(f, Options{}); return err }},
		{"yaml", func() error { return WriteYAML(io.Discard, f, Options{}) }},
	}
	for _, p := range phases {
		b.Run(p.name, func(b *testing.B) {
			cpu0 := cpuTime()
			for b.Loop() {
				if err := p.run(); err != nil {
					b.Fatal(err)
				}
			}
			if cpu := cpuTime() - cpu0; cpu > 0 {
				b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
			}
		})
	}
}

func benchFile(n int) string {
	var sb strings.Builder
	sb.WriteString("apiVersion: ferry.dev/v1alpha1\nkind: Services\ndefaults: {namespace: bench, ingressClass: nginx, issuer: letsencrypt, registrySecret: regcred}\nservices:\n")
	for i := range n {
		fmt.Fprintf(&sb, "  svc-%d:\n    image: registry.example.com/svc-%d:1.0.0\n    port: 8080\n    domain: svc-%d.example.com\n    health: /healthz\n    replicas: 3\n    cpu: 250m\n    memory: 256Mi\n    secrets: [svc-%d-env]\n", i, i, i, i)
	}
	return sb.String()
}
