package density

import (
	"fmt"
	"slices"
	"strings"

	"sigs.k8s.io/yaml"
)

// HoursPerMonth is AWS's month for monthly prices (365 × 24 / 12).
const HoursPerMonth = 730

// Prices are the user's hourly prices by instance type.
type Prices struct {
	// Currency is a label for the figures ("USD"); it converts nothing.
	Currency string             `json:"currency,omitempty"`
	Hourly   map[string]float64 `json:"hourly"`
}

// ParsePrices reads a price file: YAML or JSON with `hourly:` mapping
// instance types to what one costs an hour, and an optional `currency:`.
func ParsePrices(name string, data []byte) (Prices, error) {
	var p Prices
	if err := yaml.UnmarshalStrict(data, &p); err != nil {
		return Prices{}, fmt.Errorf("%s: %w", name, err)
	}
	if len(p.Hourly) == 0 {
		return Prices{}, fmt.Errorf("%s: no prices: want `hourly:` mapping instance types to an hourly price, like `m5.large: 0.096`", name)
	}
	for t, v := range p.Hourly {
		if v <= 0 {
			return Prices{}, fmt.Errorf("%s: hourly.%s: %g is not a price above 0", name, t, v)
		}
	}
	return p, nil
}

// Side is one side of the comparison: today's instances, or the nodes of a
// plan.
type Side struct {
	// Machines counts instances or nodes; Types counts them by type.
	Machines int            `json:"machines"`
	Types    map[string]int `json:"types"`
	// Available is their CPU and memory for the services (whole machines
	// today; allocatable, after each node's overhead, on the cluster).
	Available Overhead `json:"available"`
	// Requested is what the services request in all.
	Requested Overhead `json:"requested"`
	// Monthly is the cost a month, nil when a price is missing; Why says
	// which.
	Monthly *float64 `json:"monthly,omitempty"`
	Why     string   `json:"why,omitempty"`
	// Unknown lists instance types the table does not hold, whose capacity
	// is not counted.
	Unknown []string `json:"unknown,omitempty"`
}

// Comparison is today against a plan.
type Comparison struct {
	Before Side `json:"before"`
	After  Side `json:"after"`
}

// Compare sets today's instances (count by type) against the plan.
func Compare(today map[string]int, p Plan, ws []Workload, prices *Prices) Comparison {
	var req Overhead
	for _, w := range ws {
		req.MilliCPU += int64(w.Replicas) * w.MilliCPU
		req.MemoryMiB += int64(w.Replicas) * w.MemoryMiB
	}
	before := Side{Types: today, Requested: req}
	for t, n := range today {
		before.Machines += n
		nt, ok := InstanceType(t)
		if !ok {
			before.Unknown = append(before.Unknown, t)
			continue
		}
		before.Available.MilliCPU += int64(n) * nt.MilliCPU
		before.Available.MemoryMiB += int64(n) * nt.MemoryMiB
	}
	slices.Sort(before.Unknown)
	n := len(p.Nodes)
	after := Side{Machines: n, Types: map[string]int{p.Type.Name: n}, Requested: req,
		Available: Overhead{MilliCPU: int64(n) * p.Allocatable.MilliCPU, MemoryMiB: int64(n) * p.Allocatable.MemoryMiB}}
	if prices != nil {
		before.Monthly, before.Why = monthly(today, *prices)
		after.Monthly, after.Why = monthly(after.Types, *prices)
	}
	return Comparison{Before: before, After: after}
}

func monthly(count map[string]int, prices Prices) (*float64, string) {
	var sum float64
	var missing []string
	for t, n := range count {
		price, ok := prices.Hourly[t]
		if !ok {
			missing = append(missing, t)
			continue
		}
		sum += float64(n) * price * HoursPerMonth
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return nil, "no price for " + strings.Join(missing, ", ")
	}
	return &sum, ""
}
