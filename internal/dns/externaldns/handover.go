package externaldns

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"ferry.dev/ferry/internal/dns"
)

// HandoverAnnotation is where ferry's DNSEndpoint records a record ferry
// took over from another object external-dns published it from, and what
// it changed there, so that a rollback hands the record back.
const HandoverAnnotation = "ferry.dev/handover"

// Handover is a record ferry took over from the object external-dns
// published it from (its Source, "ingress/shop/api" as external-dns's
// registry names it), with what ferry changed there to take it.
type Handover struct {
	Source string `json:"source"`
	// Record is the plain record as it was published before.
	Record dns.RecordSet `json:"record"`
	// Before and After are the Ingress annotations ferry changed, as they
	// were and as ferry wrote them (nil: absent).
	Before map[string]*string `json:"before,omitempty"`
	After  map[string]*string `json:"after,omitempty"`
	// Endpoints are the endpoints ferry took out of a DNSEndpoint.
	Endpoints []any `json:"endpoints,omitempty"`
	// HandedBack is set once a rollback gave the record back: ferry's
	// DNSEndpoint then holds no endpoints.
	HandedBack bool `json:"handedBack,omitempty"`
}

// restores reports whether writing rs over the handed-over record gives
// the answer it had before: one set with the same values (a rollback's
// legacy alone). Such a write hands the record back.
func (h *Handover) restores(rs dns.RecordSet) bool {
	return len(rs.Sets) == 1 && len(h.Record.Sets) == 1 &&
		slices.Equal(sorted(rs.Sets[0].Values), sorted(h.Record.Sets[0].Values))
}

func sorted(v []string) []string { return slices.Sorted(slices.Values(v)) }

// handoverOf reads the handover an object of ferry's records, nil when
// none.
func handoverOf(u *unstructured.Unstructured) *Handover {
	if u == nil {
		return nil
	}
	raw, ok := u.GetAnnotations()[HandoverAnnotation]
	if !ok {
		return nil
	}
	var h Handover
	if json.Unmarshal([]byte(raw), &h) != nil {
		return nil
	}
	return &h
}

func setHandover(u *unstructured.Unstructured, h *Handover) {
	data, _ := json.Marshal(h)
	a := u.GetAnnotations()
	if a == nil {
		a = map[string]string{}
	}
	a[HandoverAnnotation] = string(data)
	u.SetAnnotations(a)
}

// ingressGVR is the Ingresses external-dns reads with --source=ingress.
var ingressGVR = schema.GroupVersionResource{Group: "networking.k8s.io", Version: "v1", Resource: "ingresses"}

// sourceRef is the object an external-dns registry resource names.
type sourceRef struct {
	gvr             schema.GroupVersionResource
	namespace, name string
}

// parseSource reads a registry resource ("ingress/shop/api"). ferry takes
// records over from an Ingress or a DNSEndpoint; any other is refused.
func parseSource(resource string) (sourceRef, error) {
	parts := strings.Split(resource, "/")
	if len(parts) == 3 && parts[1] != "" && parts[2] != "" {
		switch parts[0] {
		case "ingress":
			return sourceRef{ingressGVR, parts[1], parts[2]}, nil
		case "crd":
			return sourceRef{GVR, parts[1], parts[2]}, nil
		}
	}
	return sourceRef{}, fmt.Errorf("%w: external-dns publishes it from %q; ferry takes a record over from an Ingress or a DNSEndpoint only: "+
		"move the hostname to a DNSEndpoint (with --source=crd) first", dns.ErrInvalid, resource)
}

// sameHost compares host names as external-dns does: case and a final
// dot aside.
func sameHost(a, b string) bool {
	return strings.EqualFold(strings.TrimSuffix(strings.TrimSpace(a), "."), strings.TrimSuffix(strings.TrimSpace(b), "."))
}

func splitHosts(v string) []string {
	var out []string
	for _, h := range strings.Split(v, ",") {
		if h = strings.TrimSpace(h); h != "" {
			out = append(out, h)
		}
	}
	return out
}
