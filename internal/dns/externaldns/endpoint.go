package externaldns

import (
	"fmt"
	"strconv"
	"strings"

	"ferry.dev/ferry/internal/dns"
)

// The provider-specific properties that hold a weighted endpoint's weight.
// external-dns keeps only its own provider's properties ("aws/…" when it
// runs with --provider=aws, "webhook/…" with --provider=webhook), filled
// from the …/aws-weight and …/webhook-weight annotations. Route 53 (aws)
// and webhook providers that read the weight, such as ferry's, are the
// external-dns providers that route by weight.
const (
	AWSWeight     = "aws/weight"
	WebhookWeight = "webhook/weight"
)

// isWeight reports whether a property holds the weight.
func isWeight(name string) bool { return name == AWSWeight || name == WebhookWeight }

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

// Endpoints are the endpoints one record set stands for: one per set, a
// weighted set's weight under the property weight (AWSWeight or
// WebhookWeight, as the external-dns provider that reads them expects).
func Endpoints(rs dns.RecordSet, weight string) []Endpoint {
	out := make([]Endpoint, 0, len(rs.Sets))
	for _, s := range rs.Sets {
		e := Endpoint{
			DNSName: strings.TrimSuffix(rs.Name, "."), RecordType: rs.Type,
			Targets: append([]string(nil), s.Values...), RecordTTL: int64(rs.TTL),
		}
		if s.ID != PlainSetID || len(rs.Sets) > 1 {
			e.SetIdentifier = s.ID
			e.ProviderSpecific = []Property{{Name: weight, Value: strconv.Itoa(s.Weight)}}
		}
		out = append(out, e)
	}
	return out
}

// Key names the record set an endpoint belongs to: its canonical name and
// upper-case type.
func Key(e Endpoint) (name, rrtype string) {
	return dns.CanonicalName(e.DNSName), strings.ToUpper(e.RecordType)
}

// Set is the weighted set an endpoint stands for. A weight that is not a
// whole number in range is an error, never 0 (external-dns's own AWS
// provider turns a mistyped weight into 0).
func Set(e Endpoint) (dns.WeightedSet, error) {
	id, weight := e.SetIdentifier, 1
	if id == "" {
		id = PlainSetID
	}
	for _, p := range e.ProviderSpecific {
		if !isWeight(p.Name) {
			continue
		}
		w, err := strconv.Atoi(p.Value)
		if err != nil || w < 0 || w > dns.MaxWeight {
			return dns.WeightedSet{}, fmt.Errorf("%w: %s %s set %q: %s %q is not a weight (0-%d)",
				dns.ErrInvalid, e.DNSName, e.RecordType, id, p.Name, p.Value, dns.MaxWeight)
		}
		weight = w
	}
	return dns.WeightedSet{ID: id, Weight: weight, Values: append([]string(nil), e.Targets...)}, nil
}

// Normal is e as a provider reading weights under the property weight
// lists it back: a weighted endpoint (one with a setIdentifier) carries
// its weight (1 when none was given), a plain one none. external-dns asks
// for it (AdjustEndpoints) so that what it wants and what it reads back
// compare equal instead of planning the same update on every loop.
func Normal(e Endpoint, weight string) (Endpoint, error) {
	s, err := Set(e)
	if err != nil {
		return Endpoint{}, err
	}
	var props []Property
	for _, p := range e.ProviderSpecific {
		if !isWeight(p.Name) {
			props = append(props, p)
		}
	}
	if e.SetIdentifier != "" {
		props = append(props, Property{Name: weight, Value: strconv.Itoa(s.Weight)})
	}
	e.ProviderSpecific = props
	return e, nil
}
