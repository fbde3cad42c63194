package webhook_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
	gatewayclient "sigs.k8s.io/gateway-api/pkg/client/clientset/versioned"
	gatewayv1client "sigs.k8s.io/gateway-api/pkg/client/clientset/versioned/typed/apis/v1"

	"ferry.dev/ferry/internal/cli/clitest"
	clideploy "ferry.dev/ferry/internal/cli/deploy"
	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/testcluster"
)

// gatewayFile is a service file in the gateway form: every domain is an
// HTTPRoute attached to the Gateway's listener "http", annotated for
// external-dns v0.21 (its prefix) with the file's TTL.
const gatewayFile = `apiVersion: ferry.dev/v1alpha1
kind: Services
defaults:
  namespace: %s
  gateway: {name: public, namespace: %s, sectionName: http}
  dnsTTL: 45s
  externalDNS: {annotationPrefix: external-dns.alpha.kubernetes.io/}
  replicas: 1
services:
  shop:
    image: registry.example.com/shop:1
    port: 8080
    domain: shop.example.test
`

const apiService = `  api:
    image: registry.example.com/api:1
    port: 8080
    domain: api.example.test
`

// gatewayIP is the address the Gateway's status gives.
const gatewayIP = "192.0.2.70"

// TestExternalDNSPublishesHTTPRoutes runs a real external-dns
// (--source=gateway-httproute --provider=webhook) against the HTTPRoutes
// ferry deploy makes: each route's hostname answers over real DNS with its
// Gateway's address and the file's TTL; deploying the file without a
// service deletes that service's route and, on external-dns's next pass,
// its record; the other service's record and a record external-dns does
// not own are kept.
func TestExternalDNSPublishesHTTPRoutes(t *testing.T) {
	p := newPublishing(t)
	if err := p.c.InstallGatewayCRDs(t.Context()); err != nil {
		t.Fatal(err)
	}
	gwc, err := gatewayclient.NewForConfig(p.c.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	gw := gwc.GatewayV1()
	gwNS, ns := p.c.Namespace(t), p.c.Namespace(t)
	createGateway(t, gw, gwNS, "public", gatewayIP)
	file := filepath.Join(t.TempDir(), "shop.yaml")
	deploy(t, p.c, file, fmt.Sprintf(gatewayFile, ns, gwNS)+apiService)
	for _, route := range []string{"api", "shop"} {
		acceptRoute(t, gw, ns, route)
	}
	p.runOnce(t, "gateway-httproute")

	for _, name := range []string{"api.example.test.", "shop.example.test."} {
		if a := query(t, p.srv, name); a == nil || a.A.String() != gatewayIP || a.Hdr.Ttl != 45 {
			t.Errorf("%s over DNS = %v, want %s (the Gateway's address) with TTL 45 (the file's dnsTTL)", name, a, gatewayIP)
		}
	}

	owner, err := p.srv.Get(t.Context(), "a-api.example.test.", dns.TypeTXT)
	if want := "external-dns/resource=httproute/" + ns + "/api"; err != nil || !strings.Contains(fmt.Sprint(owner.Sets), want) {
		t.Errorf("external-dns's registry record of api.example.test = %v, %v; want it naming %s", owner.Sets, err, want)
	}

	deploy(t, p.c, file, fmt.Sprintf(gatewayFile, ns, gwNS)) // api left the file: its route is pruned
	if _, err := gw.HTTPRoutes(ns).Get(t.Context(), "api", metav1.GetOptions{}); err == nil {
		t.Fatal("the HTTPRoute api is still there after api left the file")
	}
	p.runOnce(t, "gateway-httproute")
	p.checkGone(t, "api.example.test.", "its service left the file")
	if a := query(t, p.srv, "shop.example.test."); a == nil || a.A.String() != gatewayIP {
		t.Errorf("shop.example.test over DNS = %v, want it kept at %s", a, gatewayIP)
	}
	p.checkForeignKept(t)
}

// deploy writes body to file and runs "ferry deploy -f file" on the cluster.
func deploy(t *testing.T, c *testcluster.Cluster, file, body string) {
	t.Helper()
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	r := clitest.Run(t, clitest.Command(clideploy.NewCommand), "-f", file, "--kubeconfig", c.Kubeconfig)
	if r.Code != 0 {
		t.Fatalf("ferry deploy: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
}

// createGateway creates a Gateway whose listener "http" takes routes from
// every namespace. No gateway controller runs here: the test gives it the
// address one would publish in its status, where external-dns reads its
// targets.
func createGateway(t *testing.T, gw gatewayv1client.GatewayV1Interface, ns, name, ip string) {
	t.Helper()
	all := gatewayv1.NamespacesFromAll
	created, err := gw.Gateways(ns).Create(t.Context(), &gatewayv1.Gateway{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: gatewayv1.GatewaySpec{GatewayClassName: "example", Listeners: []gatewayv1.Listener{{
			Name: "http", Port: 80, Protocol: gatewayv1.HTTPProtocolType,
			AllowedRoutes: &gatewayv1.AllowedRoutes{Namespaces: &gatewayv1.RouteNamespaces{From: &all}},
		}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	created.Status.Addresses = []gatewayv1.GatewayStatusAddress{{Type: new(gatewayv1.IPAddressType), Value: ip}}
	if _, err := gw.Gateways(ns).UpdateStatus(t.Context(), created, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// acceptRoute marks the HTTPRoute accepted by each of its parents, as the
// Gateway's controller would (none runs here): external-dns publishes a
// route only for a parent whose status says Accepted.
func acceptRoute(t *testing.T, gw gatewayv1client.GatewayV1Interface, ns, name string) {
	t.Helper()
	rt, err := gw.HTTPRoutes(ns).Get(t.Context(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rt.Status.Parents = nil
	for _, ref := range rt.Spec.ParentRefs {
		rt.Status.Parents = append(rt.Status.Parents, gatewayv1.RouteParentStatus{
			ParentRef: ref, ControllerName: "example.com/gateway-controller",
			Conditions: []metav1.Condition{{
				Type: string(gatewayv1.RouteConditionAccepted), Status: metav1.ConditionTrue,
				Reason: string(gatewayv1.RouteReasonAccepted), Message: "accepted by the test, standing in for a controller",
				ObservedGeneration: rt.Generation, LastTransitionTime: metav1.Now(),
			}},
		})
	}
	if _, err := gw.HTTPRoutes(ns).UpdateStatus(t.Context(), rt, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}
