package externaldns

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

const prefix = "external-dns.alpha.kubernetes.io/"

func ingress(ann map[string]string, hosts ...string) *unstructured.Unstructured {
	var rules []any
	for _, h := range hosts {
		rules = append(rules, map[string]any{"host": h})
	}
	u := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{"rules": rules}}}
	u.SetAnnotations(ann)
	return u
}

// TestTakeAndGiveIngress: taking a host out of an Ingress changes only
// annotations, leaves its other hosts published, and giving it back
// restores them exactly; a hand edit in between is refused.
func TestTakeAndGiveIngress(t *testing.T) {
	tests := []struct {
		name  string
		ann   map[string]string
		hosts []string
		want  map[string]string // annotations after the take; nil: not published
	}{
		{name: "from the annotation", ann: map[string]string{prefix + "hostname": "api.x, www.x", prefix + "ttl": "60"},
			want: map[string]string{prefix + "hostname": "www.x", prefix + "ttl": "60"}},
		{name: "the annotation's only host", ann: map[string]string{prefix + "hostname": "API.x."}, hosts: []string{"www.x"},
			want: map[string]string{}},
		{name: "from the rules", hosts: []string{"api.x", "www.x"}, ann: map[string]string{prefix + "hostname": "other.x"},
			want: map[string]string{prefix + "hostname": "www.x,other.x", prefix + "ingress-hostname-source": "annotation-only"}},
		{name: "rules ignored", hosts: []string{"api.x"}, ann: map[string]string{prefix + "ingress-hostname-source": "annotation-only"}},
		{name: "annotation ignored", ann: map[string]string{prefix + "hostname": "api.x", prefix + "ingress-hostname-source": "defined-hosts-only"}},
		{name: "another host", ann: map[string]string{prefix + "hostname": "www.x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := ingress(tt.ann, tt.hosts...)
			h := &Handover{}
			if ok := take(u, sourceRef{gvr: ingressGVR}, "api.x.", "A", prefix, h); ok != (tt.want != nil) {
				t.Fatalf("take = %v, want %v", ok, tt.want != nil)
			}
			if tt.want == nil {
				return
			}
			if d := cmp.Diff(tt.want, u.GetAnnotations()); d != "" {
				t.Errorf("annotations after take (-want +got):\n%s", d)
			}
			if changed, err := give(u, sourceRef{gvr: ingressGVR}, "api.x.", "A", h); !changed || err != nil {
				t.Fatalf("give = %v, %v", changed, err)
			}
			if d := cmp.Diff(tt.ann, u.GetAnnotations()); d != "" {
				t.Errorf("annotations after give (-want +got):\n%s", d)
			}
			if changed, err := give(u, sourceRef{gvr: ingressGVR}, "api.x.", "A", h); changed || err != nil {
				t.Errorf("give again = %v, %v; want nothing to do", changed, err)
			}
		})
	}
	u := ingress(map[string]string{prefix + "hostname": "api.x,www.x"})
	h := &Handover{}
	take(u, sourceRef{gvr: ingressGVR}, "api.x.", "A", prefix, h)
	u.SetAnnotations(map[string]string{prefix + "hostname": "edited.x"})
	if _, err := give(u, sourceRef{gvr: ingressGVR}, "api.x.", "A", h); err == nil {
		t.Error("give over a hand edit succeeded, want it refused")
	}
}

// TestTakeAndGiveEndpoints: a DNSEndpoint loses only the plain endpoint
// of the name and type, and gets it back.
func TestTakeAndGiveEndpoints(t *testing.T) {
	api := map[string]any{"dnsName": "api.x", "recordType": "A", "targets": []any{"192.0.2.1"}}
	eps := []any{api,
		map[string]any{"dnsName": "api.x", "recordType": "AAAA", "targets": []any{"2001:db8::1"}},
		map[string]any{"dnsName": "www.x", "recordType": "A", "targets": []any{"192.0.2.1"}}}
	u := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{"endpoints": eps}}}
	h := &Handover{}
	if !take(u, sourceRef{gvr: GVR}, "api.x.", "A", prefix, h) {
		t.Fatal("take = false")
	}
	got, _, _ := unstructured.NestedSlice(u.Object, "spec", "endpoints")
	if d := cmp.Diff(eps[1:], got); d != "" {
		t.Errorf("endpoints after take (-want +got):\n%s", d)
	}
	if changed, _ := give(u, sourceRef{gvr: GVR}, "api.x.", "A", h); !changed {
		t.Fatal("give = false")
	}
	got, _, _ = unstructured.NestedSlice(u.Object, "spec", "endpoints")
	if d := cmp.Diff(append(eps[1:], api), got); d != "" {
		t.Errorf("endpoints after give (-want +got):\n%s", d)
	}
}

// TestNames: registry record names as external-dns v0.21 writes them,
// and object names the API server takes.
func TestNames(t *testing.T) {
	for _, tt := range []struct {
		r    Registry
		want string
	}{
		{Registry{}, "a-api.example.com."},
		{Registry{Prefix: "reg-"}, "reg-a-api.example.com."},
		{Registry{Prefix: "%{record_type}-reg."}, "a-reg.api.example.com."},
		{Registry{Suffix: "-reg"}, "a-api-reg.example.com."},
	} {
		if got := tt.r.TXTName("API.example.com.", "A"); got != tt.want {
			t.Errorf("%+v.TXTName = %q, want %q", tt.r, got, tt.want)
		}
	}
	for name, want := range map[string]string{
		"api.example.com.":              "ferry-api.example.com-a",
		"_ferry-lease.api.example.com.": "ferry-xferry-lease.api.example.com-a-",
	} {
		got := ObjectName(name, "A")
		if got[:min(len(got), len(want))] != want || !isObjectName(got) {
			t.Errorf("ObjectName(%q) = %q, want %q… and a valid object name", name, got, want)
		}
	}
}
