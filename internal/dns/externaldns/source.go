package externaldns

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"ferry.dev/ferry/internal/dns"
)

// take changes the object external-dns publishes host's plain record of
// type rrtype from (an Ingress or a DNSEndpoint, as ref says) so that it
// no longer publishes it, and notes in h what it changed. It reports
// false, changing nothing, when the object does not publish it. prefix is
// external-dns's annotation prefix. It is pure.
func take(u *unstructured.Unstructured, ref sourceRef, host, rrtype, prefix string, h *Handover) bool {
	if ref.gvr == GVR {
		return takeEndpoints(u, host, rrtype, h)
	}
	return takeFromIngress(u, host, prefix, h)
}

// give undoes take: the object publishes the record again. It reports
// false when there was nothing to undo, and refuses when what ferry
// wrote has been changed since.
func give(u *unstructured.Unstructured, ref sourceRef, host, rrtype string, h *Handover) (bool, error) {
	if ref.gvr == GVR {
		return giveEndpoints(u, host, rrtype, h), nil
	}
	return giveToIngress(u, h)
}

// takeFromIngress stops an Ingress publishing host. external-dns reads an
// Ingress's hosts from its rules and TLS hosts and from the hostname
// annotation, as the ingress-hostname-source annotation says; only the
// annotation can leave one host out, so a host from the rules makes
// ferry switch the Ingress to annotation-only, listing its other hosts
// there. The routing rules are never changed.
func takeFromIngress(u *unstructured.Unstructured, host, prefix string, h *Handover) bool {
	hostKey, modeKey := prefix+"hostname", prefix+"ingress-hostname-source"
	ann := u.GetAnnotations()
	mode := strings.ToLower(ann[modeKey])
	var fromRules, fromAnnotation []string
	if mode != "annotation-only" {
		fromRules = ingressHosts(u)
	}
	if mode != "defined-hosts-only" {
		fromAnnotation = splitHosts(ann[hostKey])
	}
	inRules, inAnnotation := containsHost(fromRules, host), containsHost(fromAnnotation, host)
	if !inRules && !inAnnotation {
		return false
	}
	after := map[string]*string{}
	if inRules {
		after[modeKey] = ptr("annotation-only")
		after[hostKey] = joinHosts(withoutHost(append(fromRules, fromAnnotation...), host))
	} else {
		after[hostKey] = joinHosts(withoutHost(fromAnnotation, host))
	}
	h.Before, h.After = map[string]*string{}, after
	for k := range after {
		if v, ok := ann[k]; ok {
			h.Before[k] = ptr(v)
		} else {
			h.Before[k] = nil
		}
	}
	setAnnotations(u, after)
	return true
}

// giveToIngress puts back the annotations takeFromIngress changed, if
// they are still as ferry left them.
func giveToIngress(u *unstructured.Unstructured, h *Handover) (bool, error) {
	ann := u.GetAnnotations()
	now := func(k string) *string {
		if v, ok := ann[k]; ok {
			return &v
		}
		return nil
	}
	if equalValues(h.Before, now) {
		return false, nil
	}
	for _, k := range slices.Sorted(maps.Keys(h.After)) {
		if !equalPtr(now(k), h.After[k]) {
			return false, fmt.Errorf("%w: Ingress %s/%s: annotation %s is %s, not %s as ferry left it; put back %s by hand",
				dns.ErrInvalid, u.GetNamespace(), u.GetName(), k, show(now(k)), show(h.After[k]), showAll(h.Before))
		}
	}
	setAnnotations(u, h.Before)
	return true, nil
}

func equalValues(want map[string]*string, now func(string) *string) bool {
	for k, v := range want {
		if !equalPtr(now(k), v) {
			return false
		}
	}
	return true
}

func setAnnotations(u *unstructured.Unstructured, values map[string]*string) {
	ann := u.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	for k, v := range values {
		if v == nil {
			delete(ann, k)
		} else {
			ann[k] = *v
		}
	}
	u.SetAnnotations(ann)
}

// ingressHosts are the hosts of an Ingress's rules and TLS section.
func ingressHosts(u *unstructured.Unstructured) []string {
	var hosts []string
	rules, _, _ := unstructured.NestedSlice(u.Object, "spec", "rules")
	for _, r := range rules {
		if m, ok := r.(map[string]any); ok {
			if h, _ := m["host"].(string); h != "" {
				hosts = append(hosts, h)
			}
		}
	}
	tls, _, _ := unstructured.NestedSlice(u.Object, "spec", "tls")
	for _, t := range tls {
		if m, ok := t.(map[string]any); ok {
			for _, h := range asSlice(m["hosts"]) {
				if s, _ := h.(string); s != "" {
					hosts = append(hosts, s)
				}
			}
		}
	}
	return hosts
}

// takeEndpoints takes host's plain endpoints of type rrtype out of a
// DNSEndpoint.
func takeEndpoints(u *unstructured.Unstructured, host, rrtype string, h *Handover) bool {
	var keep, taken []any
	eps, _, _ := unstructured.NestedSlice(u.Object, "spec", "endpoints")
	for _, e := range eps {
		if isEndpointOf(e, host, rrtype) {
			taken = append(taken, e)
		} else {
			keep = append(keep, e)
		}
	}
	if len(taken) == 0 {
		return false
	}
	h.Endpoints = taken
	_ = unstructured.SetNestedSlice(u.Object, orEmpty(keep), "spec", "endpoints")
	return true
}

// giveEndpoints puts the endpoints takeEndpoints took back, unless the
// DNSEndpoint publishes the record again already.
func giveEndpoints(u *unstructured.Unstructured, host, rrtype string, h *Handover) bool {
	eps, _, _ := unstructured.NestedSlice(u.Object, "spec", "endpoints")
	if slices.ContainsFunc(eps, func(e any) bool { return isEndpointOf(e, host, rrtype) }) {
		return false
	}
	_ = unstructured.SetNestedSlice(u.Object, append(eps, h.Endpoints...), "spec", "endpoints")
	return true
}

func isEndpointOf(e any, host, rrtype string) bool {
	m, ok := e.(map[string]any)
	if !ok {
		return false
	}
	name, _ := m["dnsName"].(string)
	t, _ := m["recordType"].(string)
	id, _ := m["setIdentifier"].(string)
	return sameHost(name, host) && strings.EqualFold(t, rrtype) && id == ""
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

func orEmpty(s []any) []any {
	if s == nil {
		return []any{}
	}
	return s
}

func containsHost(hosts []string, host string) bool {
	return slices.ContainsFunc(hosts, func(h string) bool { return sameHost(h, host) })
}

// withoutHost is hosts less host, each once, in their order.
func withoutHost(hosts []string, host string) []string {
	var out []string
	for _, h := range hosts {
		if !sameHost(h, host) && !containsHost(out, h) {
			out = append(out, h)
		}
	}
	return out
}

func joinHosts(hosts []string) *string {
	if len(hosts) == 0 {
		return nil
	}
	return ptr(strings.Join(hosts, ","))
}

func ptr(s string) *string { return &s }

func equalPtr(a, b *string) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

func show(v *string) string {
	if v == nil {
		return "absent"
	}
	return fmt.Sprintf("%q", *v)
}

func showAll(values map[string]*string) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(values)) {
		parts = append(parts, k+"="+show(values[k]))
	}
	return strings.Join(parts, ", ")
}
