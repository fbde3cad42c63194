package importer

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"

	"ferry.dev/ferry/internal/ha"
	"ferry.dev/ferry/internal/importer/density"
	"ferry.dev/ferry/internal/importer/estate"
	"ferry.dev/ferry/internal/spec"
)

// Workload is a service's replicas and requests, and where they came from.
type Workload struct {
	density.Workload
	From string `json:"from"`
}

// Density is the density part of an import: the services' requests, the
// instances they run on today and one plan per node type asked for.
type Density struct {
	Region    string         `json:"region,omitempty"`
	Zones     []string       `json:"zones"`
	ZonesWhy  string         `json:"zonesWhy"`
	Workloads []Workload     `json:"workloads"`
	Today     map[string]int `json:"today"`
	// TodayUnknown names services whose instances today are not known.
	TodayUnknown []string   `json:"todayUnknown,omitempty"`
	Plans        []TypePlan `json:"plans"`
}

// TypePlan is the plan for one node type, or why there is none.
type TypePlan struct {
	Type       string              `json:"type"`
	Plan       *density.Plan       `json:"plan,omitempty"`
	Comparison *density.Comparison `json:"comparison,omitempty"`
	Error      string              `json:"error,omitempty"`
	Overhead   density.Overhead    `json:"overhead"`
	NodeType   density.NodeType    `json:"nodeType"`
}

func plan(e estate.Estate, o Options) *Density {
	d := &Density{Region: e.Region, Today: map[string]int{}}
	d.Zones, d.ZonesWhy = zones(e)
	d.Workloads = o.Requests
	if d.Workloads == nil {
		d.Workloads = workloads(e)
	}
	for _, s := range e.Services {
		if s.Today.Instances > 0 && s.Today.Type != "" && len(s.Today.Types) <= 1 {
			d.Today[s.Today.Type] += s.Today.Instances
		} else {
			d.TodayUnknown = append(d.TodayUnknown, s.Name)
		}
	}
	ws := make([]density.Workload, 0, len(d.Workloads))
	for _, w := range d.Workloads {
		ws = append(ws, w.Workload)
	}
	for _, name := range o.NodeTypes {
		nt, _ := density.InstanceType(name)
		tp := TypePlan{Type: name, NodeType: nt, Overhead: density.NodeOverhead(nt)}
		p, err := density.Pack(ws, nt, d.Zones)
		if err != nil {
			tp.Error = err.Error()
		} else {
			c := density.Compare(d.Today, p, ws, o.Prices)
			tp.Plan, tp.Comparison = &p, &c
		}
		d.Plans = append(d.Plans, tp)
	}
	return d
}

// zones are the zones to spread over: three, or as many as the region
// offers when fewer; named after the zones the services use today where
// there are enough of them.
func zones(e estate.Estate) ([]string, string) {
	n := ha.SpreadZones(e.Region)
	var seen []string
	for _, s := range e.Services {
		for _, z := range s.Today.Zones {
			if !slices.Contains(seen, z) {
				seen = append(seen, z)
			}
		}
	}
	slices.Sort(seen)
	why := fmt.Sprintf("%d zones, as ferry spreads replicas", n)
	if r, ok := ha.AWSRegion(e.Region); ok && r.Offered < 3 {
		why = fmt.Sprintf("%s offers most accounts %d zones", r.Name, r.Offered)
	}
	if e.Region == "" {
		why += "; the region is unknown"
	}
	if len(seen) >= n {
		return seen[:n], why
	}
	var out []string
	for i := range n {
		out = append(out, e.Region+string(rune('a'+i)))
	}
	return out, why + " (zone letters differ from account to account)"
}

// workloads are the draft's services as the density plan sees them: what
// Terraform says, ferry's defaults for the rest.
func workloads(e estate.Estate) []Workload {
	var out []Workload
	for _, s := range e.Services {
		w := Workload{Workload: density.Workload{Name: s.Name, Replicas: spec.DefaultReplicas}}
		from := []string{}
		if n, err := strconv.Atoi(s.Replicas.Text); err == nil {
			w.Replicas = n
		} else {
			from = append(from, "replicas: ferry's default")
		}
		cpu, mem := s.CPU.Text, s.Memory.Text
		if cpu == "" {
			cpu, from = spec.DefaultCPU, append(from, "cpu: ferry's default")
		}
		if mem == "" {
			mem, from = spec.DefaultMemory, append(from, "memory: ferry's default")
		}
		c, errC := resource.ParseQuantity(cpu)
		m, errM := resource.ParseQuantity(mem)
		if errC != nil || errM != nil { // estate writes only quantities it parsed; keep the defaults if not
			c, m = resource.MustParse(spec.DefaultCPU), resource.MustParse(spec.DefaultMemory)
		}
		w.MilliCPU, w.MemoryMiB = c.MilliValue(), mib(m)
		w.From = "the draft"
		if len(from) > 0 {
			w.From += " (" + strings.Join(from, ", ") + ")"
		}
		out = append(out, w)
	}
	return out
}

func mib(q resource.Quantity) int64 {
	return (q.Value() + 1<<20 - 1) >> 20
}

// WorkloadsFromSpec takes the density plan's services from a filled-in
// service file: its replicas and requests, defaults applied.
func WorkloadsFromSpec(f *spec.File) []Workload {
	var out []Workload
	for _, s := range f.Services {
		w := Workload{Workload: density.Workload{Name: s.Name, Replicas: int(s.Replicas)}, From: f.Path}
		if s.Requests.CPU != nil {
			w.MilliCPU = s.Requests.CPU.MilliValue()
		}
		if s.Requests.Memory != nil {
			w.MemoryMiB = mib(*s.Requests.Memory)
		}
		out = append(out, w)
	}
	return out
}
