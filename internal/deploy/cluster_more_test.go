package deploy_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"ferry.dev/ferry/internal/deploy"
	"ferry.dev/ferry/internal/render"
	"ferry.dev/ferry/internal/spec"
	"ferry.dev/ferry/internal/testcluster"
)

// TestGoldenInputsAcceptedByAPIServer: every object rendered from the
// render package's golden inputs passes a server-side dry-run apply,
// HTTPRoutes included (the Gateway API CRDs installed).
func TestGoldenInputsAcceptedByAPIServer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx, cancel := context.WithTimeout(t.Context(), safety)
	defer cancel()
	if err := e.cluster.InstallGatewayCRDs(ctx); err != nil {
		t.Fatal(err)
	}
	inputs, err := filepath.Glob("../render/testdata/*.yaml")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no golden inputs in ../render/testdata: %v", err)
	}
	kinds := map[string]int{}
	for _, in := range inputs {
		t.Run(filepath.Base(in), func(t *testing.T) {
			f, err := spec.LoadFile(in, nil)
			if err != nil {
				t.Fatal(err)
			}
			objs, err := render.Render(f, render.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range objs {
				u, err := render.Unstructured(o)
				if err != nil {
					t.Fatal(err)
				}
				kinds[u.GetKind()]++
				dryRun := u.GetKind() != "Namespace" // namespaced objects need theirs to exist
				if err := e.apply(ctx, u, dryRun); err != nil {
					t.Errorf("%s %s/%s rejected: %v", u.GetKind(), u.GetNamespace(), u.GetName(), err)
				}
			}
		})
	}
	for _, k := range []string{"Deployment", "Service", "Ingress", "HTTPRoute", "PodDisruptionBudget", "ServiceAccount"} {
		if kinds[k] == 0 {
			t.Errorf("the golden inputs rendered no %s; the test would not check it", k)
		}
	}
}

func (e *env) apply(ctx context.Context, u *unstructured.Unstructured, dryRun bool) error {
	gvk := u.GroupVersionKind()
	m, err := e.client.Mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return err
	}
	opts := metav1.ApplyOptions{FieldManager: deploy.FieldManager}
	if dryRun {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	_, err = e.client.Dynamic.Resource(m.Resource).Namespace(u.GetNamespace()).Apply(ctx, u.GetName(), u, opts)
	return err
}

// TestControlPlaneRestartMidDeploy: kube-apiserver restarts while a deploy
// applies and watches. The deploy finishes or fails clearly; either way
// no half-recorded revision is left, and the next deploy succeeds.
func TestControlPlaneRestartMidDeploy(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx, cancel := context.WithTimeout(t.Context(), safety)
	defer cancel()
	d := e.deployer(t)
	f := load(t, shopFile(e.ns, "example.invalid/api:1", "100m", true))

	type outcome struct {
		res deploy.Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := d.Run(ctx, request(f))
		done <- outcome{res, err}
	}()
	// Restart as soon as the deploy has begun writing (its inventory).
	if err := e.waitForInventory(ctx); err != nil {
		t.Fatal(err)
	}
	if len(done) > 0 {
		t.Fatal("the deploy ended before the restart began; this test would check nothing")
	}
	if err := e.cluster.RestartAPIServer(ctx); err != nil {
		if errors.Is(err, testcluster.ErrNoRestart) {
			t.Fatalf("%v: point FERRY_TEST_KUBECONFIG at a cluster testcluster or make cluster started, or unset it", err)
		}
		t.Fatal(err)
	}
	got := <-done
	e.mu.Lock()
	retries := 0
	for _, ev := range e.events {
		if ev.Kind == deploy.EventRetry {
			retries++
		}
	}
	e.mu.Unlock()
	t.Logf("the deploy met %d transient errors across the restart", retries)
	revs, herr := d.History(ctx)
	if herr != nil {
		t.Fatal(herr)
	}
	switch {
	case got.err == nil && (len(revs) != 1 || revs[0].Number != got.res.Revision || string(revs[0].Source) != string(f.Source)):
		t.Errorf("deploy succeeded as revision %d, but the history holds %+v", got.res.Revision, revs)
	case got.err != nil && len(revs) != 0:
		t.Errorf("deploy failed (%v), but a revision was recorded: %+v", got.err, revs)
	case got.err != nil:
		t.Logf("the deploy failed across the restart, clearly: %v", got.err)
	}
	res, err := d.Run(ctx, request(f))
	if err != nil || res.Revision != 1 {
		t.Errorf("deploying again after the restart = revision %d, %v; want revision 1", res.Revision, err)
	}
}

// waitForInventory watches for the release's inventory ConfigMap.
func (e *env) waitForInventory(ctx context.Context) error {
	w, err := e.client.Typed.CoreV1().ConfigMaps(e.ns).Watch(ctx, metav1.ListOptions{FieldSelector: "metadata.name=ferry.shop"})
	if err != nil {
		return err
	}
	defer w.Stop()
	select {
	case <-w.ResultChan():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// TestConflictsAreReportedNotForced: a field another manager took is
// reported with that manager's name; --force-conflicts takes it back.
func TestConflictsAreReportedNotForced(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx, cancel := context.WithTimeout(t.Context(), safety)
	defer cancel()
	d := e.deployer(t)
	req := request(load(t, shopFile(e.ns, "example.invalid/api:1", "100m", false)))
	if _, err := d.Run(ctx, req); err != nil {
		t.Fatal(err)
	}
	patch := []byte(`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"api"},"spec":{"replicas":5}}`)
	_, err := e.client.Typed.AppsV1().Deployments(e.ns).Patch(ctx, "api", types.ApplyPatchType, patch,
		metav1.PatchOptions{FieldManager: "hpa-lookalike", Force: new(true)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.Run(ctx, request(load(t, shopFile(e.ns, "example.invalid/api:2", "100m", false))))
	var conflict *deploy.ConflictError
	if !errors.As(err, &conflict) || !strings.Contains(err.Error(), `"hpa-lookalike"`) || !strings.Contains(err.Error(), ".spec.replicas") {
		t.Fatalf("deploying over another manager's field = %v; want a ConflictError naming hpa-lookalike and .spec.replicas", err)
	}
	req = request(load(t, shopFile(e.ns, "example.invalid/api:2", "100m", false)))
	req.ForceConflicts = true
	if _, err := d.Run(ctx, req); err != nil {
		t.Fatalf("deploying with ForceConflicts: %v", err)
	}
	api, err := e.client.Typed.AppsV1().Deployments(e.ns).Get(ctx, "api", metav1.GetOptions{})
	if err != nil || *api.Spec.Replicas != 2 {
		t.Errorf("replicas after a forced deploy: %v, %v; want 2", api.Spec.Replicas, err)
	}
}

// TestDryRunShowsServerDiffAndChangesNothing.
func TestDryRunShowsServerDiffAndChangesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx, cancel := context.WithTimeout(t.Context(), safety)
	defer cancel()
	d := e.deployer(t)
	if _, err := d.Run(ctx, request(load(t, shopFile(e.ns, "example.invalid/api:1", "100m", true)))); err != nil {
		t.Fatal(err)
	}
	req := request(load(t, shopFile(e.ns, "example.invalid/api:2", "100m", false)))
	req.DryRun = true
	res, err := d.Run(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]string{}
	for _, c := range res.Changes {
		actions[c.Ref.Kind+" "+c.Ref.Name] = c.Action
		if c.Ref.Kind == "Deployment" && c.Ref.Name == "api" &&
			(!strings.Contains(c.Diff, "-      - image: example.invalid/api:1") || !strings.Contains(c.Diff, "+      - image: example.invalid/api:2")) {
			t.Errorf("Deployment api diff does not show the image change:\n%s", c.Diff)
		}
	}
	// The image tag is also the version label of every api object.
	want := map[string]string{"Deployment api": "update", "Service api": "update", "Deployment worker": "delete",
		"ServiceAccount worker": "delete", "Namespace " + e.ns: "unchanged"}
	for k, v := range want {
		if actions[k] != v {
			t.Errorf("%s: action %q, want %q (all: %v)", k, actions[k], v, actions)
		}
	}
	api, err := e.client.Typed.AppsV1().Deployments(e.ns).Get(ctx, "api", metav1.GetOptions{})
	if err != nil || api.Spec.Template.Spec.Containers[0].Image != "example.invalid/api:1" {
		t.Errorf("after a dry run api = %v, %v; want image example.invalid/api:1", api.Spec.Template.Spec.Containers[0].Image, err)
	}
	if _, err := e.client.Typed.AppsV1().Deployments(e.ns).Get(ctx, "worker", metav1.GetOptions{}); apierrors.IsNotFound(err) {
		t.Error("a dry run pruned Deployment worker")
	}
	if revs, _ := d.History(ctx); len(revs) != 1 {
		t.Errorf("a dry run changed the history to %d revisions", len(revs))
	}
}
