package webhook

import (
	"fmt"
	"strconv"
	"strings"

	"ferry.dev/ferry/internal/dns"
)

// MediaType is the protocol's content type, sent and required both ways.
const MediaType = "application/external.dns.webhook+json;version=1"

// WeightProperty is the provider-specific property holding a weighted
// endpoint's weight (external-dns's aws-weight annotation fills it).
const WeightProperty = "aws/weight"

// PlainSetID is the set id of a record that has no setIdentifier.
const PlainSetID = "default"

// Endpoint is external-dns's endpoint.Endpoint as it travels in JSON.
type Endpoint struct {
	DNSName          string            `json:"dnsName,omitempty"`
	Targets          []string          `json:"targets,omitempty"`
	RecordType       string            `json:"recordType,omitempty"`
	SetIdentifier    string            `json:"setIdentifier,omitempty"`
	RecordTTL        int64             `json:"recordTTL,omitempty"`
	Labels           map[string]string `json:"labels,omitempty"`
	ProviderSpecific []Property        `json:"providerSpecific,omitempty"`
}

// Property is one provider-specific name and value of an endpoint.
type Property struct {
	Name  string `json:"name,omitempty"`
	Value string `json:"value,omitempty"`
}

// Changes is external-dns's plan.Changes: what to create, update (old and
// new) and delete.
type Changes struct {
	Create    []Endpoint `json:"create,omitempty"`
	UpdateOld []Endpoint `json:"updateOld,omitempty"`
	UpdateNew []Endpoint `json:"updateNew,omitempty"`
	Delete    []Endpoint `json:"delete,omitempty"`
}

// DomainFilter is what GET / answers: the zones the provider holds.
type DomainFilter struct {
	Include []string `json:"include,omitempty"`
	Exclude []string `json:"exclude,omitempty"`
}

// Endpoints are the endpoints one record set stands for: one per set.
func Endpoints(rs dns.RecordSet) []Endpoint {
	out := make([]Endpoint, 0, len(rs.Sets))
	for _, s := range rs.Sets {
		e := Endpoint{
			DNSName: strings.TrimSuffix(rs.Name, "."), RecordType: rs.Type,
			Targets: append([]string(nil), s.Values...), RecordTTL: int64(rs.TTL),
		}
		if s.ID != PlainSetID || len(rs.Sets) > 1 {
			e.SetIdentifier = s.ID
			e.ProviderSpecific = []Property{{Name: WeightProperty, Value: strconv.Itoa(s.Weight)}}
		}
		out = append(out, e)
	}
	return out
}

// key names the record set an endpoint belongs to.
type key struct{ name, rrtype string }

func keyOf(e Endpoint) key {
	return key{name: dns.CanonicalName(e.DNSName), rrtype: strings.ToUpper(e.RecordType)}
}

// set is the weighted set an endpoint stands for. A weight that is not a
// whole number in range is an error, never 0 (external-dns's own AWS
// provider turns a mistyped weight into 0).
func set(e Endpoint) (dns.WeightedSet, error) {
	id, weight := e.SetIdentifier, 1
	if id == "" {
		id = PlainSetID
	}
	for _, p := range e.ProviderSpecific {
		if p.Name != WeightProperty {
			continue
		}
		w, err := strconv.Atoi(p.Value)
		if err != nil || w < 0 || w > dns.MaxWeight {
			return dns.WeightedSet{}, fmt.Errorf("%w: %s %s set %q: %s %q is not a weight (0-%d)",
				dns.ErrInvalid, e.DNSName, e.RecordType, id, WeightProperty, p.Value, dns.MaxWeight)
		}
		weight = w
	}
	return dns.WeightedSet{ID: id, Weight: weight, Values: append([]string(nil), e.Targets...)}, nil
}
