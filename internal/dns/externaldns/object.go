package externaldns

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/lease"
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

// PrivateAnnotation holds a record set ferry keeps for itself, not for
// resolvers: its ownership lease (lease.Prefix). Such a set lives in its
// DNSEndpoint's annotations with no endpoints, so external-dns publishes
// nothing for it, and a change to it is made once the API server has it.
const PrivateAnnotation = "ferry.dev/private-record"

// private reports whether the record set called name is ferry's own.
func private(name string) bool { return strings.HasPrefix(dns.CanonicalName(name), lease.Prefix) }

// ObjectName is the DNSEndpoint that holds the record set name/rrtype:
// "ferry-api.example.com-a". A name an object name cannot spell as it is
// ("_ferry-lease.…", a very long one) is spelled with its other
// characters as "x" and a hash of the record's name and type after it,
// cut to the 253 characters an object name may have.
func ObjectName(name, rrtype string) string {
	canon := strings.TrimSuffix(dns.CanonicalName(name), ".")
	n := "ferry-" + canon + "-" + strings.ToLower(rrtype)
	if isObjectName(n) {
		return n
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(canon + " " + rrtype))
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return 'x'
	}, canon)
	suffix := fmt.Sprintf("-%s-%08x", strings.ToLower(rrtype), h.Sum32())
	if len("ferry-"+safe+suffix) > 253 {
		safe = safe[:253-len("ferry-")-len(suffix)]
	}
	return "ferry-" + strings.NewReplacer(".-", ".x", "-.", "x.", "..", ".x").Replace(safe) + suffix
}

// isObjectName reports whether the API server takes n as a DNSEndpoint's
// name (an RFC 1123 subdomain).
func isObjectName(n string) bool { return len(validation.IsDNS1123Subdomain(n)) == 0 }

// object is rs as a DNSEndpoint in namespace, weights under the property
// weight.
func object(namespace, weight string, rs dns.RecordSet) *unstructured.Unstructured {
	eps := make([]any, 0, len(rs.Sets))
	for _, e := range Endpoints(rs, weight) {
		if private(rs.Name) {
			break
		}
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
	ann := map[string]string{RecordAnnotation: dns.CanonicalName(rs.Name) + " " + strings.ToUpper(rs.Type)}
	if private(rs.Name) {
		data, _ := json.Marshal(rs)
		ann[PrivateAnnotation] = string(data)
	}
	u.SetAnnotations(ann)
	return u
}

// recordSet reads the record set a DNSEndpoint holds. An object ferry did
// not write is refused: ferry never changes what it did not create.
func recordSet(u *unstructured.Unstructured) (dns.RecordSet, error) {
	if u.GetLabels()[ManagedByLabel] != ManagedBy {
		return dns.RecordSet{}, fmt.Errorf("%w: DNSEndpoint %s/%s was not created by ferry (no %s=%s label); ferry leaves it alone",
			dns.ErrInvalid, u.GetNamespace(), u.GetName(), ManagedByLabel, ManagedBy)
	}
	if raw, ok := u.GetAnnotations()[PrivateAnnotation]; ok {
		var rs dns.RecordSet
		if err := json.Unmarshal([]byte(raw), &rs); err != nil {
			return dns.RecordSet{}, fmt.Errorf("reading DNSEndpoint %s: %w", u.GetName(), err)
		}
		return rs, nil
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
