package install_test

import (
	"os"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"ferry.dev/ferry/internal/controller"
	"ferry.dev/ferry/internal/controller/controllertest"
	"ferry.dev/ferry/internal/controller/install"
	"ferry.dev/ferry/internal/testcluster"
)

func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }

func TestInstallRunsTwoReplicasAndUninstallKeepsTheCRDs(t *testing.T) {
	c := testcluster.Start(t)
	cl, err := controller.NewClient(c.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	ns := c.Namespace(t)
	objs, err := install.Manifests(install.Options{Namespace: ns, Image: "registry.example.com/ferry:1", Replicas: 2})
	if err != nil {
		t.Fatal(err)
	}
	oc := controllertest.Objects(t, c)
	if err := install.Apply(t.Context(), oc, objs); err != nil {
		t.Fatal(err)
	}
	checkSecretAccess(t, cl, ns)
	d := &appsv1.Deployment{}
	for deadline := time.Now().Add(2 * time.Minute); ; { // liveness bound, not speed
		if err := cl.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: install.Name}, d); err != nil {
			t.Fatal(err)
		}
		if d.Status.AvailableReplicas == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Deployment not available: %+v", d.Status)
		}
		time.Sleep(200 * time.Millisecond)
	}
	pod := d.Spec.Template.Spec
	if pod.ServiceAccountName != install.Name || d.Spec.Strategy.RollingUpdate.MaxUnavailable.IntValue() != 0 || pod.Containers[0].ReadinessProbe == nil {
		t.Errorf("pod spec lacks the service account or zero-downtime defaults: %+v", d.Spec)
	}
	gone, err := install.Uninstall(t.Context(), oc, objs, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(gone) == 0 {
		t.Fatal("nothing deleted")
	}
	if err := cl.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: install.Name}, &appsv1.Deployment{}); err == nil {
		// Foreground deletion: the object may linger with a deletion timestamp.
		d := &appsv1.Deployment{}
		_ = cl.Get(t.Context(), client.ObjectKey{Namespace: ns, Name: install.Name}, d)
		if d.DeletionTimestamp.IsZero() {
			t.Error("the Deployment is still there")
		}
	} else if !apierrors.IsNotFound(err) {
		t.Fatal(err)
	}
	for _, name := range []string{"servicefiles.ferry.dev", "migrations.ferry.dev"} {
		if err := cl.Get(t.Context(), client.ObjectKey{Name: name}, &apiextensionsv1.CustomResourceDefinition{}); err != nil {
			t.Errorf("CRD %s after uninstall: %v", name, err)
		}
	}
}

// checkSecretAccess asks the API server what the controller's service
// account may do with Secrets in another namespace: read one (a DNS
// token) and list and create (deploy's records), nothing else.
func checkSecretAccess(t *testing.T, cl client.Client, ns string) {
	t.Helper()
	for verb, want := range map[string]bool{"get": true, "list": true, "create": true, "watch": false, "update": false, "patch": false, "delete": false} {
		sar := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
			User:               "system:serviceaccount:" + ns + ":" + install.Name,
			Groups:             []string{"system:serviceaccounts", "system:serviceaccounts:" + ns},
			ResourceAttributes: &authorizationv1.ResourceAttributes{Namespace: "elsewhere", Verb: verb, Resource: "secrets"},
		}}
		if err := cl.Create(t.Context(), sar); err != nil {
			t.Fatal(err)
		}
		if sar.Status.Allowed != want {
			t.Errorf("%s secrets: allowed %t, want %t (%s)", verb, sar.Status.Allowed, want, sar.Status.Reason)
		}
	}
}
