package deploy_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"ferry.dev/ferry/internal/deploy"
	"ferry.dev/ferry/internal/kube"
	"ferry.dev/ferry/internal/spec"
	"ferry.dev/ferry/internal/testcluster"
)

func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }

// safety bounds a whole scenario; tests never judge by wall time.
const safety = 3 * time.Minute

// shopFile is a two-service file in namespace ns.
func shopFile(ns, apiImage, apiCPU string, withWorker bool) string {
	s := fmt.Sprintf(`apiVersion: ferry.dev/v1alpha1
kind: Services
defaults:
  namespace: %s
  ingressClass: nginx
services:
  api:
    image: %s
    port: 8080
    domain: api.example.com
    replicas: 2
    cpu: %s
`, ns, apiImage, apiCPU)
	if withWorker {
		s += `  worker:
    image: example.invalid/worker:1
    replicas: 1
`
	}
	return s
}

// env is one test's cluster connection, namespace and recorded events.
type env struct {
	cluster *testcluster.Cluster
	client  *kube.Client
	ns      string
	mu      sync.Mutex
	events  []deploy.Event
}

func newEnv(t *testing.T) *env {
	t.Helper()
	c := testcluster.Start(t)
	e := &env{cluster: c, ns: c.Namespace(t)}
	var err error
	if e.client, err = kube.ForConfig(c.RESTConfig(), e.ns, "tester"); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) deployer(t *testing.T) *deploy.Deployer {
	t.Helper()
	d, err := deploy.New(e.client, "shop", "test", func(ev deploy.Event) {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.events = append(e.events, ev)
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func load(t *testing.T, content string) *spec.File {
	t.Helper()
	path := filepath.Join(t.TempDir(), "shop.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := spec.LoadFile(path, nil)
	if err != nil {
		t.Fatalf("loading the test file: %v", err)
	}
	return f
}

func request(f *spec.File) deploy.Request {
	return deploy.Request{File: f, Wait: true, Timeout: 2 * time.Minute}
}

// TestDeployChangePrune: deploy, change the image, deploy again (rollout
// watched, revision 2), then drop a service: its objects go, an unrelated
// Deployment in the same namespace stays, revision 3 is recorded.
func TestDeployChangePrune(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx, cancel := context.WithTimeout(t.Context(), safety)
	defer cancel()
	cs := e.client.Typed
	bystander := plainDeployment("bystander")
	if _, err := cs.AppsV1().Deployments(e.ns).Create(ctx, bystander, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	d := e.deployer(t)

	first := shopFile(e.ns, "example.invalid/api:1", "100m", true)
	res, err := d.Run(ctx, request(load(t, first)))
	if err != nil || res.Revision != 1 {
		t.Fatalf("first deploy = revision %d, %v; want revision 1", res.Revision, err)
	}

	res, err = d.Run(ctx, request(load(t, shopFile(e.ns, "example.invalid/api:2", "100m", true))))
	if err != nil || res.Revision != 2 {
		t.Fatalf("second deploy = revision %d, %v; want revision 2", res.Revision, err)
	}
	api, err := cs.AppsV1().Deployments(e.ns).Get(ctx, "api", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := api.Spec.Template.Spec.Containers[0].Image; got != "example.invalid/api:2" {
		t.Errorf("api image = %s, want example.invalid/api:2", got)
	}
	if api.Status.UpdatedReplicas != 2 || api.Status.AvailableReplicas != 2 || api.Status.Replicas != 2 {
		t.Errorf("api after the deploy returned: %d updated, %d available, %d total; want 2, 2, 2",
			api.Status.UpdatedReplicas, api.Status.AvailableReplicas, api.Status.Replicas)
	}
	if !e.sawRollout("api", func(r deploy.Rollout) bool { return r.Done }) {
		t.Error("no rollout event reported api Available")
	}

	res, err = d.Run(ctx, request(load(t, shopFile(e.ns, "example.invalid/api:2", "100m", false))))
	if err != nil || res.Revision != 3 {
		t.Fatalf("third deploy = revision %d, %v; want revision 3", res.Revision, err)
	}
	var pruned []string
	for _, r := range res.Pruned {
		pruned = append(pruned, r.Kind+" "+r.Name)
	}
	if diff := cmp.Diff([]string{"Deployment worker", "ServiceAccount worker"}, pruned); diff != "" {
		t.Errorf("pruned (-want +got):\n%s", diff)
	}
	if _, err := cs.AppsV1().Deployments(e.ns).Get(ctx, "worker", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("Deployment worker after it left the file: %v, want NotFound", err)
	}
	if _, err := cs.CoreV1().ServiceAccounts(e.ns).Get(ctx, "worker", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("ServiceAccount worker after it left the file: %v, want NotFound", err)
	}
	for _, name := range []string{"bystander", "api"} {
		if _, err := cs.AppsV1().Deployments(e.ns).Get(ctx, name, metav1.GetOptions{}); err != nil {
			t.Errorf("Deployment %s: %v, want it untouched", name, err)
		}
	}

	revs, err := d.History(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var numbers []int
	for _, r := range revs {
		numbers = append(numbers, r.Number)
	}
	if diff := cmp.Diff([]int{1, 2, 3}, numbers); diff != "" {
		t.Errorf("revisions (-want +got):\n%s", diff)
	}
	if string(revs[0].Source) != first || revs[0].User != "tester" || revs[0].FerryVersion != "test" {
		t.Errorf("revision 1 = user %q, version %q, source:\n%s\nwant the first file by tester with ferry test", revs[0].User, revs[0].FerryVersion, revs[0].Source)
	}

	res, err = d.Run(ctx, request(load(t, shopFile(e.ns, "example.invalid/api:2", "100m", false))))
	if err != nil || !res.Unchanged || res.Revision != 3 || res.Sent != 0 {
		t.Errorf("deploying the same file again = revision %d unchanged %v, %d sent, %v; want revision 3 unchanged, nothing sent", res.Revision, res.Unchanged, res.Sent, err)
	}

	// A label removed by hand is noticed and put back.
	svc, err := cs.CoreV1().Services(e.ns).Get(ctx, "api", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	delete(svc.Labels, "app.kubernetes.io/version")
	if _, err := cs.CoreV1().Services(e.ns).Update(ctx, svc, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	res, err = d.Run(ctx, request(load(t, shopFile(e.ns, "example.invalid/api:2", "100m", false))))
	if err != nil || res.Sent != 1 {
		t.Errorf("deploying after a hand edit = %d sent, %v; want the one edited object applied", res.Sent, err)
	}
	svc, err = cs.CoreV1().Services(e.ns).Get(ctx, "api", metav1.GetOptions{})
	if err != nil || svc.Labels["app.kubernetes.io/version"] != "2" {
		t.Errorf("Service api labels after the deploy: %v, %v; want the version label back", svc.Labels, err)
	}
}

func (e *env) sawRollout(name string, ok func(deploy.Rollout) bool) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, ev := range e.events {
		if ev.Kind == deploy.EventRollout && ev.Rollout.Name == name && ok(ev.Rollout) {
			return true
		}
	}
	return false
}

func plainDeployment(name string) *appsv1.Deployment {
	labels := map[string]string{"app": name}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: new(int32(1)),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "example.invalid/other:1"}}},
			},
		},
	}
}

// TestFailedRolloutNamesPodsAndAtomicRollsBack: a new revision whose pods
// fit on no node fails naming the pod and the reason, and --atomic puts the
// previous revision back (and records nothing new).
func TestFailedRolloutNamesPodsAndAtomicRollsBack(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx, cancel := context.WithTimeout(t.Context(), safety)
	defer cancel()
	d := e.deployer(t)
	if _, err := d.Run(ctx, request(load(t, shopFile(e.ns, "example.invalid/api:1", "100m", false)))); err != nil {
		t.Fatal(err)
	}

	req := request(load(t, shopFile(e.ns, "example.invalid/api:2", "500", false))) // 500 CPUs: no node has them
	req.Atomic = true
	res, err := d.Run(ctx, req)
	var rerr *deploy.RolloutError
	if !errors.As(err, &rerr) {
		t.Fatalf("deploying an unschedulable revision = %v, want a RolloutError", err)
	}
	msg := err.Error()
	// The pod itself is gone after the rollback; its name has the new
	// ReplicaSet's hash.
	if !podLine.MatchString(msg) || !strings.Contains(msg, "Insufficient cpu") {
		t.Errorf("failure message does not name the pod and its reason:\n%s", msg)
	}
	if res.RolledBackTo != 1 || !strings.Contains(msg, "rolled back to revision 1") {
		t.Errorf("RolledBackTo = %d, message:\n%s\nwant a rollback to revision 1", res.RolledBackTo, msg)
	}
	api, err := e.client.Typed.AppsV1().Deployments(e.ns).Get(ctx, "api", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := api.Spec.Template.Spec.Containers[0]
	if c.Image != "example.invalid/api:1" || c.Resources.Requests.Cpu().String() != "100m" {
		t.Errorf("after the rollback api runs %s with cpu %s, want example.invalid/api:1 with 100m", c.Image, c.Resources.Requests.Cpu())
	}
	if api.Status.UpdatedReplicas != 2 || api.Status.AvailableReplicas != 2 || api.Status.Replicas != 2 {
		t.Errorf("api after the rollback: %d updated, %d available, %d total; want 2, 2, 2",
			api.Status.UpdatedReplicas, api.Status.AvailableReplicas, api.Status.Replicas)
	}
	revs, err := d.History(ctx)
	if err != nil || len(revs) != 1 {
		t.Errorf("history after a failed atomic deploy: %d revisions, %v; want only revision 1", len(revs), err)
	}
}

var podLine = regexp.MustCompile(`(?m)^  pod api-[a-z0-9]+-[a-z0-9]{5}: Unschedulable: `)
