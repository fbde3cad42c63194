package deploy

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	clientretry "k8s.io/client-go/util/retry"

	"ferry.dev/ferry/internal/kube"
	"ferry.dev/ferry/internal/spec"
	"ferry.dev/ferry/internal/testcluster"
)

// projection is live as a controller's cache keeps it: ferry's digests
// and nothing else of what InPlace reads.
func projection(live *unstructured.Unstructured) *unstructured.Unstructured {
	p := &unstructured.Unstructured{Object: map[string]any{}}
	p.SetAnnotations(map[string]string{
		AppliedAnnotation: live.GetAnnotations()[AppliedAnnotation],
		FieldsAnnotation:  LiveFields(live.Object, live.GetManagedFields()),
	})
	return p
}

// TestProjectionJudgesLikeTheWholeObject: on a real API server, InPlace
// says the same of a projection (LiveFields) as of the whole object, for
// every kind the golden inputs render, right after ferry's apply and
// after each kind of hand edit: a field ferry set changed or removed (not
// in place), a field ferry does not set added (in place), an owned field
// taken by a forced apply (not in place).
func TestProjectionJudgesLikeTheWholeObject(t *testing.T) {
	t.Parallel()
	c := testcluster.Start(t)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	ns1, ns2 := c.Namespace(t), c.Namespace(t)
	client, err := kube.ForConfig(c.RESTConfig(), ns1, "tester")
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(client, "shop", "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("../render/testdata/every-field.yaml")
	if err != nil {
		t.Fatal(err)
	}
	content := strings.ReplaceAll(string(raw), "namespace: shop-api", "namespace: "+ns2)
	content = strings.ReplaceAll(content, "namespace: shop", "namespace: "+ns1)
	path := filepath.Join(t.TempDir(), "ferry.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := spec.LoadFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req := Request{File: f}
	if _, err := d.Run(ctx, req); err != nil {
		t.Fatal(err)
	}
	objs, err := d.plan(req)
	if err != nil {
		t.Fatal(err)
	}
	byKind := map[string]object{}
	get := func(o object) *unstructured.Unstructured {
		t.Helper()
		live, err := client.Dynamic.Resource(o.resource).Namespace(o.ref.Namespace).Get(ctx, o.ref.Name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return live
	}
	// judge asserts what InPlace says of o's live object, whole and projected.
	judge := func(when string, o object, want bool) {
		t.Helper()
		live := get(o)
		whole, projected := InPlace(o.obj, live), InPlace(o.obj, projection(live))
		if whole != want || projected != want {
			t.Errorf("%s, %s: in place whole %v, projected %v; want %v", when, o.ref, whole, projected, want)
		}
	}
	for _, o := range objs {
		if o.ref.isNamespace() {
			continue
		}
		judge("after ferry's apply", o, true)
		if _, seen := byKind[o.ref.Kind]; !seen {
			byKind[o.ref.Kind] = o
		}
	}
	for _, k := range []string{"Deployment", "Service", "ServiceAccount", "PodDisruptionBudget", "Ingress"} {
		if _, ok := byKind[k]; !ok {
			t.Fatalf("every-field.yaml rendered no %s; the test would not check it", k)
		}
	}

	// update is a hand edit (an Update, as kubectl edit sends): change
	// edits the object as read, again when the Deployment controller's
	// status update got in between.
	update := func(o object, change func(u *unstructured.Unstructured)) {
		t.Helper()
		err := clientretry.RetryOnConflict(clientretry.DefaultRetry, func() error {
			live := get(o)
			change(live)
			_, err := client.Dynamic.Resource(o.resource).Namespace(o.ref.Namespace).Update(ctx, live, metav1.UpdateOptions{FieldManager: "kubectl-edit"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	dep, svc, pdb := byKind["Deployment"], byKind["Service"], byKind["PodDisruptionBudget"]
	update(dep, func(u *unstructured.Unstructured) { u.SetLabels(merge(u.GetLabels(), "owner", "someone")) })
	judge("a label ferry does not set added", dep, true)
	update(dep, func(u *unstructured.Unstructured) {
		cs, _, _ := unstructured.NestedSlice(u.Object, "spec", "template", "spec", "containers")
		cs[0].(map[string]any)["image"] = "registry.example.com/hand/edited:1"
		_ = unstructured.SetNestedSlice(u.Object, cs, "spec", "template", "spec", "containers")
	})
	judge("the image edited", dep, false)
	if _, err := d.Run(ctx, Request{File: f, ForceConflicts: true}); err != nil {
		t.Fatal(err)
	}
	judge("after ferry's apply over the image", dep, true)
	update(dep, func(u *unstructured.Unstructured) {
		unstructured.RemoveNestedField(u.Object, "spec", "minReadySeconds")
	})
	judge("a field ferry set removed", dep, false)

	update(svc, func(u *unstructured.Unstructured) {
		u.SetAnnotations(merge(u.GetAnnotations(), "note", "x"))
	})
	judge("an annotation ferry does not set added", svc, true)
	update(svc, func(u *unstructured.Unstructured) {
		ports, _, _ := unstructured.NestedSlice(u.Object, "spec", "ports")
		ports[0].(map[string]any)["targetPort"] = int64(9999)
		_ = unstructured.SetNestedSlice(u.Object, ports, "spec", "ports")
	})
	judge("a port's target edited", svc, false)

	patch := []byte(`{"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"` + pdb.ref.Name + `"},"spec":{"minAvailable":1}}`)
	if _, err := client.Dynamic.Resource(pdb.resource).Namespace(pdb.ref.Namespace).Patch(ctx, pdb.ref.Name, "application/apply-patch+yaml", patch,
		metav1.PatchOptions{FieldManager: "other-tool", Force: new(true)}); err != nil {
		t.Fatal(err)
	}
	judge("a field taken by another manager's forced apply", pdb, false)

	if _, err := d.Run(ctx, Request{File: f, ForceConflicts: true}); err != nil {
		t.Fatal(err)
	}
	for _, o := range []object{dep, svc, pdb} {
		judge("after ferry's apply over the edits", o, true)
	}
}

func merge(m map[string]string, k, v string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	m[k] = v
	return m
}
