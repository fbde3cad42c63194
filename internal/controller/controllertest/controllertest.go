package controllertest

import (
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"ferry.dev/ferry/internal/controller"
	"ferry.dev/ferry/internal/controller/crds"
	"ferry.dev/ferry/internal/kube"
	"ferry.dev/ferry/internal/kube/objclient"
	"ferry.dev/ferry/internal/testcluster"
)

// Start is testcluster.Start with ferry's CRDs installed (and
// established), and a direct client that knows them.
func Start(t *testing.T) (*testcluster.Cluster, client.Client) {
	t.Helper()
	c := testcluster.Start(t)
	cl, err := controller.NewClient(c.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	if err := crds.Install(t.Context(), Objects(t, c)); err != nil {
		t.Fatal(err)
	}
	return c, cl
}

// Objects is the client the CLI uses on c (client-go's dynamic client, no
// controller-runtime), for tests of the code the CLI shares with the
// controller.
func Objects(t *testing.T, c *testcluster.Cluster) objclient.Client {
	t.Helper()
	kc, err := kube.ForConfig(c.RESTConfig(), "", "test")
	if err != nil {
		t.Fatal(err)
	}
	oc, err := crds.Client(kc)
	if err != nil {
		t.Fatal(err)
	}
	return oc
}
