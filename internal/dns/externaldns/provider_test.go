package externaldns_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/externaldns"
	"ferry.dev/ferry/internal/testcluster"
)

func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }

// cluster is the package's cluster with the DNSEndpoint CRD installed,
// and a fresh namespace for the test.
func cluster(t *testing.T) (*testcluster.Cluster, dynamic.Interface, string) {
	t.Helper()
	c := testcluster.Start(t)
	_, crd := testcluster.ExternalDNS(t)
	if err := c.InstallCRDFiles(t.Context(), crd); err != nil {
		t.Fatal(err)
	}
	dyn, err := dynamic.NewForConfig(c.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	return c, dyn, c.Namespace(t)
}

func weighted(legacy, cluster int) dns.RecordSet {
	return dns.RecordSet{Name: "api.example.test.", Type: dns.TypeA, TTL: 30, Sets: []dns.WeightedSet{
		{ID: "legacy", Weight: legacy, Values: []string{"192.0.2.10"}},
		{ID: "cluster", Weight: cluster, Values: []string{"192.0.2.20"}},
	}}
}

// TestConditionsOwnershipAndAbsentExternalDNS: with no external-dns running,
// a change is written but never counts as made, and the error says what to
// check; a hand edit of the DNSEndpoint fails the next change's condition;
// a DNSEndpoint ferry did not create is left alone.
func TestConditionsOwnershipAndAbsentExternalDNS(t *testing.T) {
	_, dyn, ns := cluster(t)
	p := externaldns.New(externaldns.Options{Client: dyn, Namespace: ns, Wait: 500 * time.Millisecond, Poll: 50 * time.Millisecond})

	err := p.Replace(t.Context(), weighted(100, 0), dns.IfAbsent())
	if !errors.Is(err, externaldns.ErrNotPublished) || !strings.Contains(err.Error(), "--source=crd") {
		t.Fatalf("Replace with no external-dns = %v, want ErrNotPublished naming --source=crd", err)
	}
	got, err := p.Get(t.Context(), "api.example.test.", dns.TypeA)
	if err != nil || !got.Equal(weighted(100, 0)) {
		t.Fatalf("Get = %+v, %v; want the set as written", got, err)
	}

	objs := dyn.Resource(externaldns.GVR).Namespace(ns)
	u, err := objs.Get(t.Context(), externaldns.ObjectName("api.example.test.", dns.TypeA), metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	eps, _, _ := unstructured.NestedSlice(u.Object, "spec", "endpoints")
	eps[0].(map[string]any)["targets"] = []any{"203.0.113.9"} // a hand edit
	_ = unstructured.SetNestedSlice(u.Object, eps, "spec", "endpoints")
	if _, err := objs.Update(t.Context(), u, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	err = p.Replace(t.Context(), weighted(90, 10), dns.IfMatch(weighted(100, 0)))
	var conflict *dns.ConflictError
	if !errors.As(err, &conflict) || conflict.Current == nil || conflict.Current.Sets[0].Values[0] != "203.0.113.9" {
		t.Fatalf("Replace over a hand edit = %v, want a conflict showing the edit", err)
	}

	foreign := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "externaldns.k8s.io/v1alpha1", "kind": "DNSEndpoint",
		"metadata": map[string]any{"name": externaldns.ObjectName("www.example.test.", "A"), "namespace": ns},
		"spec":     map[string]any{"endpoints": []any{map[string]any{"dnsName": "www.example.test", "recordType": "A", "targets": []any{"192.0.2.1"}}}},
	}}
	if _, err := objs.Create(t.Context(), foreign, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Get(t.Context(), "www.example.test.", dns.TypeA); !errors.Is(err, dns.ErrInvalid) {
		t.Errorf("Get of a DNSEndpoint ferry did not create = %v, want it refused", err)
	}
	if err := p.Delete(t.Context(), "www.example.test.", dns.TypeA, dns.Always()); !errors.Is(err, dns.ErrInvalid) {
		t.Errorf("Delete of a DNSEndpoint ferry did not create = %v, want it refused", err)
	}
}
