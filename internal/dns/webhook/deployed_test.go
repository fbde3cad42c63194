package webhook_test

import (
	"fmt"
	"path/filepath"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"ferry.dev/ferry/internal/testcluster"
)

// ingressFile is a service file in the ingress form, annotated for
// external-dns v0.21 (its prefix) with the file's TTL.
const ingressFile = `apiVersion: ferry.dev/v1alpha1
kind: Services
defaults:
  namespace: %s
  dnsTTL: 45s
  externalDNS: {annotationPrefix: external-dns.alpha.kubernetes.io/}
  replicas: 1
services:
  cart:
    image: registry.example.com/cart:1
    port: 8080
    domain: cart.example.test
`

// ordersService joins the file, then leaves it; the package's other tests
// use other names, since they share ferry's server.
const ordersService = `  orders:
    image: registry.example.com/orders:1
    port: 8080
    domain: orders.example.test
`

// ingressIP is the address the Ingresses' status gives.
const ingressIP = "192.0.2.80"

// TestExternalDNSPublishesDeployedIngresses runs a real external-dns
// (--source=ingress --provider=webhook) against the Ingresses ferry deploy
// makes: each service's domain answers over real DNS with its Ingress's
// address and the file's TTL; deploying the file without a service prunes
// its Ingress and, on external-dns's next pass, its record; the other
// service's record and a record external-dns does not own are kept.
func TestExternalDNSPublishesDeployedIngresses(t *testing.T) {
	p := newPublishing(t)
	ns := p.c.Namespace(t)
	file := filepath.Join(t.TempDir(), "cart.yaml")
	deploy(t, p.c, file, fmt.Sprintf(ingressFile, ns)+ordersService)
	for _, name := range []string{"orders", "cart"} {
		giveAddress(t, p.c, ns, name, ingressIP)
	}
	p.runOnce(t, "ingress")
	for _, name := range []string{"orders.example.test.", "cart.example.test."} {
		if a := query(t, p.srv, name); a == nil || a.A.String() != ingressIP || a.Hdr.Ttl != 45 {
			t.Errorf("%s over DNS = %v, want %s (the Ingress's address) with TTL 45 (the file's dnsTTL)", name, a, ingressIP)
		}
	}

	deploy(t, p.c, file, fmt.Sprintf(ingressFile, ns)) // orders left the file: its Ingress is pruned
	if _, err := p.c.Clientset().NetworkingV1().Ingresses(ns).Get(t.Context(), "orders", metav1.GetOptions{}); err == nil {
		t.Fatal("the Ingress orders is still there after orders left the file")
	}
	p.runOnce(t, "ingress")
	p.checkGone(t, "orders.example.test.", "its service left the file")
	if a := query(t, p.srv, "cart.example.test."); a == nil || a.A.String() != ingressIP {
		t.Errorf("cart.example.test over DNS = %v, want it kept at %s", a, ingressIP)
	}
	p.checkForeignKept(t)
}

// giveAddress writes into the Ingress's status the address an ingress
// controller would publish there; none runs here.
func giveAddress(t *testing.T, c *testcluster.Cluster, ns, name, ip string) {
	t.Helper()
	ings := c.Clientset().NetworkingV1().Ingresses(ns)
	ing, err := ings.Get(t.Context(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ing.Status.LoadBalancer.Ingress = []networkingv1.IngressLoadBalancerIngress{{IP: ip}}
	if _, err := ings.UpdateStatus(t.Context(), ing, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}
