package webhook_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	mdns "github.com/miekg/dns"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/server"
	"ferry.dev/ferry/internal/dns/server/servertest"
	"ferry.dev/ferry/internal/dns/webhook"
	"ferry.dev/ferry/internal/testcluster"
)

func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }

// publishing is external-dns publishing into ferry's DNS server: the
// package's cluster, a real external-dns, ferry's server behind the
// webhook, and in the server a record external-dns does not own.
type publishing struct {
	c   *testcluster.Cluster
	bin string
	srv *server.Server
	url string // the webhook's
}

// foreign is the record of ferry's server that external-dns does not own.
const foreign, foreignIP = "legacy.example.test.", "192.0.2.99"

func newPublishing(t *testing.T) *publishing {
	t.Helper()
	bin, _ := testcluster.ExternalDNS(t)
	p := &publishing{c: testcluster.Start(t), bin: bin, srv: servertest.Start(t, "example.test")}
	hook := httptest.NewServer(webhook.New(servertest.Client(t, p.srv), []string{"example.test"}, 300,
		slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(hook.Close)
	p.url = hook.URL
	mustReplace(t, p.srv, dns.RecordSet{Name: foreign, Type: dns.TypeA, TTL: 60,
		Sets: []dns.WeightedSet{{ID: "web", Weight: 1, Values: []string{foreignIP}}}})
	return p
}

// runOnce runs one external-dns synchronisation from source and fails the
// test with its log if it fails.
func (p *publishing) runOnce(t *testing.T, source string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.bin, testcluster.ExternalDNSArgs("--source="+source, "--provider=webhook",
		"--webhook-provider-url="+p.url, "--kubeconfig="+p.c.Kubeconfig, "--registry=txt", "--txt-owner-id=ferry-test",
		"--domain-filter=example.test", "--once", "--log-level=debug")...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("external-dns --source=%s --once: %v\n%s", source, err, out)
	}
}

// checkGone fails the test if ferry's server still holds name, or
// external-dns's registry record of it (a-name., and so on).
func (p *publishing) checkGone(t *testing.T, name, why string) {
	t.Helper()
	for _, rs := range p.srv.List(t.Context()) {
		if rs.Name == name || strings.HasSuffix(rs.Name, "-"+name) {
			t.Errorf("%s %s is still there after %s", rs.Name, rs.Type, why)
		}
	}
}

// checkForeignKept fails the test if the record external-dns does not own
// is gone or changed.
func (p *publishing) checkForeignKept(t *testing.T) {
	t.Helper()
	if a := query(t, p.srv, foreign); a == nil || a.A.String() != foreignIP {
		t.Errorf("%s (not external-dns's) = %v, want it kept at %s", foreign, a, foreignIP)
	}
}

// TestExternalDNSPublishesIntoFerry runs a real external-dns (--source=ingress
// --provider=webhook) against the local kube-apiserver and ferry's DNS
// server behind the webhook: an Ingress's host answers with its address over
// real DNS, a weighted Ingress becomes a weighted set, a record external-dns
// does not own survives, and deleting the Ingress deletes its record.
func TestExternalDNSPublishesIntoFerry(t *testing.T) {
	p := newPublishing(t)
	c, srv := p.c, p.srv
	ns := c.Namespace(t)
	createIngress(t, c, ns, "api", "api.example.test", "192.0.2.50", nil)
	createIngress(t, c, ns, "shop-blue", "shop.example.test", "192.0.2.60", map[string]string{
		"external-dns.alpha.kubernetes.io/set-identifier": "blue", "external-dns.alpha.kubernetes.io/webhook-weight": "30"})
	p.runOnce(t, "ingress")

	if a := query(t, srv, "api.example.test."); a == nil || a.A.String() != "192.0.2.50" {
		t.Errorf("api.example.test A = %v over DNS, want 192.0.2.50 (the Ingress's address)", a)
	}
	shop, err := srv.Get(t.Context(), "shop.example.test.", dns.TypeA)
	if err != nil || len(shop.Sets) != 1 || shop.Sets[0].ID != "blue" || shop.Sets[0].Weight != 30 {
		t.Errorf("shop.example.test = %+v, %v; want the set blue at weight 30", shop, err)
	}

	// A second pass finds nothing to change: what external-dns wants and
	// what the webhook lists back compare equal (weights included).
	before := srv.List(t.Context())
	p.runOnce(t, "ingress")
	if d := cmp.Diff(before, srv.List(t.Context())); d != "" {
		t.Errorf("a second external-dns pass changed records (-before +after):\n%s", d)
	}

	if err := c.Clientset().NetworkingV1().Ingresses(ns).Delete(t.Context(), "api", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	p.runOnce(t, "ingress")
	p.checkGone(t, "api.example.test.", "its Ingress was deleted")
	p.checkForeignKept(t)
}

func mustReplace(t *testing.T, srv *server.Server, rs dns.RecordSet) {
	t.Helper()
	if err := srv.Replace(t.Context(), rs, dns.Always()); err != nil {
		t.Fatal(err)
	}
}

func createIngress(t *testing.T, c *testcluster.Cluster, ns, name, host, ip string, annotations map[string]string) {
	t.Helper()
	prefix := networkingv1.PathTypePrefix
	ing := &networkingv1.Ingress{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Annotations: annotations},
		Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{Host: host, IngressRuleValue: networkingv1.IngressRuleValue{
			HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{{Path: "/", PathType: &prefix,
				Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: name, Port: networkingv1.ServiceBackendPort{Number: 80}}}}}},
		}}}},
	}
	if _, err := c.Clientset().NetworkingV1().Ingresses(ns).Create(t.Context(), ing, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	giveAddress(t, c, ns, name, ip)
}

// query asks ferry's server over UDP for name's A record and returns the
// first address record of the answer, or nil when there is none.
func query(t *testing.T, srv *server.Server, name string) *mdns.A {
	t.Helper()
	m := new(mdns.Msg)
	m.SetQuestion(name, mdns.TypeA)
	r, _, err := new(mdns.Client).ExchangeContext(t.Context(), m, srv.DNSAddr())
	if err != nil {
		t.Fatal(err)
	}
	for _, rr := range r.Answer {
		if a, ok := rr.(*mdns.A); ok {
			return a
		}
	}
	return nil
}
