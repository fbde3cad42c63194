package controllertest

import (
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"ferry.dev/ferry/internal/controller"
	"ferry.dev/ferry/internal/controller/crds"
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
	if err := crds.Install(t.Context(), cl); err != nil {
		t.Fatal(err)
	}
	return c, cl
}
