package externaldns

import (
	"encoding/json"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"ferry.dev/ferry/internal/dns"
)

// GVR is the DNSEndpoint resource external-dns reads with --source=crd.
var GVR = schema.GroupVersionResource{Group: "externaldns.k8s.io", Version: "v1alpha1", Resource: "dnsendpoints"}

// Labels ferry puts on every DNSEndpoint it writes; a DNSEndpoint without
// ManagedByLabel=ManagedBy is never changed.
const (
	ManagedByLabel = "app.kubernetes.io/managed-by"
	ManagedBy      = "ferry"
	// RecordAnnotation holds the record set's name and type, "NAME TYPE",
	// since an object name cannot always say them exactly.
	RecordAnnotation = "ferry.dev/record"
)

// ObjectName is the DNSEndpoint that holds the record set name/rrtype:
// "ferry-api.example.com-a".
func ObjectName(name, rrtype string) string {
	return "ferry-" + strings.TrimSuffix(dns.CanonicalName(name), ".") + "-" + strings.ToLower(rrtype)
}

// object is rs as a DNSEndpoint in namespace, weights under the property
// weight.
func object(namespace, weight string, rs dns.RecordSet) *unstructured.Unstructured {
	eps := make([]any, 0, len(rs.Sets))
	for _, e := range Endpoints(rs, weight) {
		m := map[string]any{}
		data, _ := json.Marshal(e)
		_ = json.Unmarshal(data, &m)
		eps = append(eps, m)
	}
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": GVR.GroupVersion().String(), "kind": "DNSEndpoint",
		"spec": map[string]any{"endpoints": eps},
	}}
	u.SetName(ObjectName(rs.Name, rs.Type))
	u.SetNamespace(namespace)
	u.SetLabels(map[string]string{ManagedByLabel: ManagedBy})
	u.SetAnnotations(map[string]string{RecordAnnotation: dns.CanonicalName(rs.Name) + " " + strings.ToUpper(rs.Type)})
	return u
}

// recordSet reads the record set a DNSEndpoint holds. An object ferry did
// not write is refused: ferry never changes what it did not create.
func recordSet(u *unstructured.Unstructured) (dns.RecordSet, error) {
	if u.GetLabels()[ManagedByLabel] != ManagedBy {
		return dns.RecordSet{}, fmt.Errorf("%w: DNSEndpoint %s/%s was not created by ferry (no %s=%s label); ferry leaves it alone",
			dns.ErrInvalid, u.GetNamespace(), u.GetName(), ManagedByLabel, ManagedBy)
	}
	raw, _, _ := unstructured.NestedSlice(u.Object, "spec", "endpoints")
	data, err := json.Marshal(raw)
	if err != nil {
		return dns.RecordSet{}, fmt.Errorf("reading DNSEndpoint %s: %w", u.GetName(), err)
	}
	var eps []Endpoint
	if err := json.Unmarshal(data, &eps); err != nil {
		return dns.RecordSet{}, fmt.Errorf("reading DNSEndpoint %s: %w", u.GetName(), err)
	}
	name, rrtype, _ := strings.Cut(u.GetAnnotations()[RecordAnnotation], " ")
	rs := dns.RecordSet{Name: name, Type: rrtype}
	for _, e := range eps {
		s, err := Set(e)
		if err != nil {
			return dns.RecordSet{}, fmt.Errorf("reading DNSEndpoint %s: %w", u.GetName(), err)
		}
		rs.Sets = append(rs.Sets, s)
		rs.TTL = uint32(e.RecordTTL)
	}
	return rs, nil
}

// observed is the generation external-dns last read, from the status.
func observed(u *unstructured.Unstructured) int64 {
	g, _, _ := unstructured.NestedInt64(u.Object, "status", "observedGeneration")
	return g
}
