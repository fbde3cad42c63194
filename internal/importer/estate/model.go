package estate

// Estate is what a set of Terraform resources means for ferry.
type Estate struct {
	// Services are one per imported balancer, in name order.
	Services []Service `json:"services"`
	// Resources accounts for every resource read, in input order.
	Resources []Entry `json:"resources"`
	// Region is the AWS region most resources are in ("" when none says).
	Region string `json:"region,omitempty"`
	// Regions are every region seen, sorted; more than one is worth a
	// warning, since one cluster spans one region.
	Regions []string `json:"regions,omitempty"`
}

// Value is one value of a service and where it came from. A value that is
// not known has an empty Text and a Why.
type Value struct {
	// Text is the value as the service file writes it.
	Text string `json:"value,omitempty"`
	// From names the resource attribute it came from, like
	// "aws_lb_target_group.api health_check.path".
	From string `json:"from,omitempty"`
	// Why says why the value is not known; empty when it is.
	Why string `json:"why,omitempty"`
}

// Known reports whether the value was found.
func (v Value) Known() bool { return v.Text != "" }

// Service is one legacy service: a balancer and what stands behind and in
// front of it.
type Service struct {
	// Name is the ferry service name (a DNS-1035 label).
	Name string `json:"name"`
	// Balancer is the balancer's address; Kind is "classic ELB",
	// "application LB" or "network LB".
	Balancer string `json:"balancer"`
	Kind     string `json:"kind"`
	Image    Value  `json:"image"`
	Port     Value  `json:"port"`
	Health   Value  `json:"health"`
	Replicas Value  `json:"replicas"`
	// CPU and Memory are set only when the user data limits the container
	// (docker run --cpus, --memory); Terraform knows nothing else of them.
	CPU    Value `json:"cpu"`
	Memory Value `json:"memory"`
	// Domains are the names whose records point at the balancer; the first
	// is the one `ferry migrate` moves.
	Domains []Value `json:"domains"`
	// Legacy is the endpoint traffic goes to today: what the record points
	// at, or the balancer's DNS name when no record does.
	Legacy Value `json:"legacy"`
	// Record is the Route 53 record set of the first domain; nil without one.
	Record *Record `json:"record,omitempty"`
	// TLS names the listener that terminates TLS today, if one does.
	TLS string `json:"tls,omitempty"`
	// Today is the fleet that runs the service now.
	Today Fleet `json:"today"`
	// Notes are what a person must know or decide about this service.
	Notes []string `json:"notes,omitempty"`

	// lbName is the balancer's own name, the service's name without a
	// domain.
	lbName string
}

// Fleet is the machines that run a service today.
type Fleet struct {
	// Instances is how many run (desired capacity plus attached instances);
	// 0 when unknown.
	Instances int `json:"instances"`
	// Type is their instance type, "" when unknown; From says where it was
	// read. Types lists every type when they differ.
	Type  string   `json:"type,omitempty"`
	From  string   `json:"from,omitempty"`
	Types []string `json:"types,omitempty"`
	// Zones are the availability zones they run in, sorted.
	Zones []string `json:"zones,omitempty"`
}

// Record is the Route 53 record set ferry takes over for a service's domain.
type Record struct {
	// Name is the domain (no trailing dot); Type is A, AAAA or CNAME.
	Name string `json:"name"`
	Type string `json:"type"`
	// ZoneID is the hosted zone, From the attribute it was read from.
	ZoneID string `json:"zoneID"`
	// TTL is the record's TTL in seconds; 0 for an alias record, which
	// answers with its target's TTL.
	TTL int `json:"ttl"`
	// Alias is set for an alias record.
	Alias *Alias `json:"alias,omitempty"`
	// Sets are the record set's members: one plain record, or the weighted
	// sets sharing the name and type.
	Sets []Set `json:"sets"`
}

// Alias is a Route 53 alias target.
type Alias struct {
	Name                 string `json:"name"`
	ZoneID               string `json:"zoneID"`
	EvaluateTargetHealth bool   `json:"evaluateTargetHealth"`
}

// Set is one Terraform resource instance of a record set.
type Set struct {
	// Address is the resource instance; Resource the resource without its
	// instance key (what a removed block names); Keys counts the resource's
	// instances in the input, so removing it is known to remove all of them.
	Address  string `json:"address"`
	Resource string `json:"resource"`
	// ID is the set identifier and Weight the weight of a weighted set.
	ID     string `json:"id,omitempty"`
	Weight *int   `json:"weight,omitempty"`
	// Target is what the set answers with (alias target or record values).
	Target string `json:"target"`
}

// Entry accounts for one resource read.
type Entry struct {
	Address string `json:"address"`
	File    string `json:"file"`
	Type    string `json:"type"`
	// Became says what the resource became; Ignored why it was not used.
	// Exactly one is set.
	Became  string `json:"became,omitempty"`
	Ignored string `json:"ignored,omitempty"`
}
