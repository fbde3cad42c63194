package e2e

import (
	"maps"
	"strings"
	"testing"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/externaldns"
	"ferry.dev/ferry/internal/migrate"
)

// legacyIngress creates the Ingress "legacy" that has external-dns
// publish hosts (its rules) and annotated (its hostname annotation) at
// the legacy address, as a team that already runs external-dns has it.
func (e *env) legacyIngress(t *testing.T, hosts []string, annotated string) *networkingv1.Ingress {
	t.Helper()
	ing := &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Name: "legacy", Namespace: e.ns,
		Annotations: map[string]string{Prefix + "target": "127.0.0.2"}}}
	if annotated != "" {
		ing.Annotations[Prefix+"hostname"] = annotated
	}
	for _, h := range hosts {
		ing.Spec.Rules = append(ing.Spec.Rules, networkingv1.IngressRule{Host: h})
	}
	ing, err := e.c.Clientset().NetworkingV1().Ingresses(e.ns).Create(t.Context(), ing, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ing
}

func (e *env) ingress(t *testing.T) *networkingv1.Ingress {
	t.Helper()
	ing, err := e.c.Clientset().NetworkingV1().Ingresses(e.ns).Get(t.Context(), "legacy", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ing
}

// TestMigrationTakesOverAnIngressRecord: external-dns publishes
// api.<zone> (and www.<zone>) from an Ingress's rules at legacy. The
// migration takes api over through external-dns — its weighted sets
// replace the plain record in one reconcile, the Ingress's routing rules
// untouched and www still published from it — then every step, cutover
// and drain to done, each step read back from moto with the AWS CLI while
// the migration stands on it.
func TestMigrationTakesOverAnIngressRecord(t *testing.T) {
	e := newEnv(t, "takeover")
	www := "www." + e.zone
	e.legacyIngress(t, []string{e.domain, www}, "")
	e.published(t, e.domain, map[string]int64{"": -1})
	e.published(t, www, map[string]int64{"": -1})
	if o := e.owners(t)[""]; o.ID != OwnerID || o.Resource != "ingress/"+e.ns+"/legacy" {
		t.Fatalf("registry record before = %+v, want owner %s, resource ingress/%s/legacy", o, OwnerID, e.ns)
	}

	done := e.start(t)
	s := e.awaiting(t, done, migrate.StagePreview, migrate.Weights{Legacy: 100})
	e.checkWeights(t, "preview", map[string]int64{"": -1})
	steps := []struct {
		stage migrate.Stage
		w     migrate.Weights
		want  map[string]int64
	}{
		{migrate.StageShift, migrate.Weights{Legacy: 90, Cluster: 10}, map[string]int64{"legacy": 90, "cluster": 10}},
		{migrate.StageShift, migrate.Weights{Legacy: 50, Cluster: 50}, map[string]int64{"legacy": 50, "cluster": 50}},
		{migrate.StageShift, migrate.Weights{Cluster: 100}, map[string]int64{"legacy": 0, "cluster": 100}},
	}
	// The first promote takes the record over (100/0) and makes step 1.
	for _, st := range steps {
		began := time.Now()
		e.send(t, s, migrate.Promote)
		s = e.awaiting(t, done, st.stage, st.w)
		t.Logf("promote → %s made, published and read back from Route 53: %v", st.w, since(began))
		e.checkWeights(t, st.w.String(), st.want)
	}
	ing := e.ingress(t)
	if got := ing.Annotations; got[Prefix+"ingress-hostname-source"] != "annotation-only" || got[Prefix+"hostname"] != www {
		t.Errorf("Ingress annotations after the take-over = %v; want annotation-only with %s alone", got, www)
	}
	if len(ing.Spec.Rules) != 2 {
		t.Errorf("the Ingress's rules changed: %v", ing.Spec.Rules)
	}
	if o := e.owners(t)["cluster"]; o.ID != OwnerID || o.Resource != "crd/"+e.ns+"/"+externaldns.ObjectName(e.domain, dns.TypeA) {
		t.Errorf("registry record of the cluster set = %+v, want ferry's DNSEndpoint", o)
	}

	began := time.Now()
	e.send(t, s, migrate.Promote)
	r := done.wait()
	checkExit(t, "start", r, 0, "done: legacy has drained")
	t.Logf("cutover and drain to done: %v", since(began))
	e.checkWeights(t, "done", map[string]int64{"cluster": 100})
	if got := e.weights(t, www, dns.TypeA); len(got) != 1 {
		t.Errorf("www.%s after the migration = %v; want its plain record, still published from the Ingress", e.zone, got)
	}
}

// TestRollbackFrom50HandsTheRecordBack: a record taken over from an
// Ingress's hostname annotation, rolled back at 50%: the record is the
// plain one it was, published from the Ingress again with its annotation
// restored; a new plan can take it over again.
func TestRollbackFrom50HandsTheRecordBack(t *testing.T) {
	e := newEnv(t, "handback")
	other := "other." + e.zone
	e.legacyIngress(t, []string{"www." + e.zone}, e.domain+","+other)
	e.published(t, e.domain, map[string]int64{"": -1})
	before := e.ingress(t).Annotations

	done := e.start(t)
	s := e.awaiting(t, done, migrate.StagePreview, migrate.Weights{Legacy: 100})
	for _, w := range []migrate.Weights{{Legacy: 90, Cluster: 10}, {Legacy: 50, Cluster: 50}} {
		e.send(t, s, migrate.Promote)
		s = e.awaiting(t, done, migrate.StageShift, w)
	}
	if got := e.ingress(t).Annotations[Prefix+"hostname"]; got != other {
		t.Errorf("hostname annotation while ferry holds the record = %q, want %q", got, other)
	}
	e.checkWeights(t, "at 50%", map[string]int64{"legacy": 50, "cluster": 50})

	began := time.Now()
	e.send(t, s, migrate.Rollback)
	r := done.wait()
	checkExit(t, "start", r, 0, "rolled back as asked")
	t.Logf("rollback to the plain record handed back: %v", since(began))
	e.checkWeights(t, "after the rollback", map[string]int64{"": -1})
	if got := e.ingress(t).Annotations; !maps.Equal(got, before) {
		t.Errorf("Ingress annotations after the rollback = %v, want them as before %v", got, before)
	}
	if eps, _, _ := unstructured.NestedSlice(e.dnsEndpoint(t).Object, "spec", "endpoints"); len(eps) != 0 {
		t.Errorf("ferry's DNSEndpoint still asks for %v", eps)
	}
	plan := e.migrate(t, "plan", "api")
	checkExit(t, "plan after the rollback", plan, 0, "adopt-record")
}

// TestHandEditedDNSEndpointIsDrift: at 10% an operator edits ferry's
// DNSEndpoint by hand (everything back to legacy); external-dns publishes
// the edit. The next step does not overwrite it: the migration pauses
// with an alert, and the edit stays in the object and in Route 53.
func TestHandEditedDNSEndpointIsDrift(t *testing.T) {
	e := newEnv(t, "drift")
	done := e.start(t)
	s := e.awaiting(t, done, migrate.StagePreview, migrate.Weights{Legacy: 100})
	for _, w := range []migrate.Weights{{Legacy: 90, Cluster: 10}} {
		e.send(t, s, migrate.Promote)
		s = e.awaiting(t, done, migrate.StageShift, w)
	}
	u := e.dnsEndpoint(t)
	eps, _, _ := unstructured.NestedSlice(u.Object, "spec", "endpoints")
	for _, ep := range eps {
		m := ep.(map[string]any)
		w := "0"
		if m["setIdentifier"] == "legacy" {
			w = "100"
		}
		m["providerSpecific"] = []any{map[string]any{"name": externaldns.AWSWeight, "value": w}}
	}
	_ = unstructured.SetNestedSlice(u.Object, eps, "spec", "endpoints")
	if _, err := e.dyn.Resource(externaldns.GVR).Namespace(e.ns).Update(t.Context(), u, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.published(t, e.domain, map[string]int64{"legacy": 100, "cluster": 0})
	e.send(t, s, migrate.Promote)
	r := done.wait()
	checkExit(t, "start", r, 1, "ALERT:")
	e.checkWeights(t, "after the alert", map[string]int64{"legacy": 100, "cluster": 0})
	got, _, _ := unstructured.NestedSlice(e.dnsEndpoint(t).Object, "spec", "endpoints")
	if !strings.Contains(fmtEndpoints(got), "legacy=100") || !strings.Contains(fmtEndpoints(got), "cluster=0") {
		t.Errorf("ferry's DNSEndpoint after the alert = %s, want the hand edit kept", fmtEndpoints(got))
	}
}

func fmtEndpoints(eps []any) string {
	var parts []string
	for _, ep := range eps {
		m := ep.(map[string]any)
		id, _ := m["setIdentifier"].(string)
		for _, p := range asSlice(m["providerSpecific"]) {
			if pm, ok := p.(map[string]any); ok && pm["name"] == externaldns.AWSWeight {
				parts = append(parts, id+"="+pm["value"].(string))
			}
		}
	}
	return strings.Join(parts, " ")
}

func asSlice(v any) []any { s, _ := v.([]any); return s }
