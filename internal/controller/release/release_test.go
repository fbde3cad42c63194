package release_test

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/controller"
	"ferry.dev/ferry/internal/controller/controllertest"
	"ferry.dev/ferry/internal/notify"
	"ferry.dev/ferry/internal/testcluster"
)

func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }

func ptr[T any](v T) *T { return &v }

type env struct {
	c  *testcluster.Cluster
	cl client.Client
	ns string
}

// newEnv installs the CRDs and runs an in-process controller that checks
// for drift every second.
func newEnv(t *testing.T) *env {
	t.Helper()
	return newCountedEnv(t, nil)
}

// newCountedEnv is newEnv with every request of the controller counted
// by inc (when not nil).
func newCountedEnv(t *testing.T, inc func(verb, resource string)) *env {
	t.Helper()
	c, cl := controllertest.Start(t)
	cfg := c.RESTConfig()
	if inc != nil {
		cfg = controller.Counted(cfg, inc)
	}
	e := &env{c: c, cl: cl, ns: c.Namespace(t)}
	ctx, cancel := context.WithCancel(context.WithoutCancel(t.Context()))
	done := make(chan error, 1)
	go func() {
		done <- controller.Run(ctx, controller.Options{
			Config: cfg, Namespace: e.ns, Identity: "test", Resync: time.Second, Version: "test",
			Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("controller: %v", err)
		}
	})
	return e
}

func (e *env) file(services map[string]*v1alpha1.Service) *v1alpha1.ServiceFile {
	return &v1alpha1.ServiceFile{
		ObjectMeta: metav1.ObjectMeta{Name: "shop", Namespace: e.ns},
		Spec:       v1alpha1.ServiceFileSpec{Services: services},
	}
}

// await polls the ServiceFile until ok; the bound is on liveness, not speed.
func (e *env) await(t *testing.T, what string, ok func(*v1alpha1.ServiceFile) bool) *v1alpha1.ServiceFile {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	sf := &v1alpha1.ServiceFile{}
	for {
		if err := e.cl.Get(ctx, types.NamespacedName{Namespace: e.ns, Name: "shop"}, sf); err == nil && ok(sf) {
			return sf
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: last status %+v", what, sf.Status)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func synced(rev int) func(*v1alpha1.ServiceFile) bool {
	return func(sf *v1alpha1.ServiceFile) bool {
		return sf.Status.Sync == v1alpha1.SyncSynced && sf.Status.Health == v1alpha1.HealthHealthy &&
			sf.Status.Revision == rev && sf.Status.ObservedGeneration == sf.Generation
	}
}

func (e *env) update(t *testing.T, change func(*v1alpha1.ServiceFile)) {
	t.Helper()
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		sf := &v1alpha1.ServiceFile{}
		if err := e.cl.Get(t.Context(), types.NamespacedName{Namespace: e.ns, Name: "shop"}, sf); err != nil {
			return err
		}
		change(sf)
		return e.cl.Update(t.Context(), sf)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (e *env) deployment(t *testing.T, name string) (*appsv1.Deployment, bool) {
	t.Helper()
	d := &appsv1.Deployment{}
	err := e.cl.Get(t.Context(), types.NamespacedName{Namespace: e.ns, Name: name}, d)
	if apierrors.IsNotFound(err) {
		return nil, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return d, true
}

// TestServiceFileDeployedUpdatedPruned: deployed, updated, pruned, each
// revision's deploy notified to a receiver on loopback whose URL is in a
// Secret.
func TestServiceFileDeployedUpdatedPruned(t *testing.T) {
	e := newEnv(t)
	hooks := controllertest.ReceiveNotifications(t)
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "hooks", Namespace: e.ns}, StringData: map[string]string{"url": hooks.URL}}
	if err := e.cl.Create(t.Context(), secret); err != nil {
		t.Fatal(err)
	}
	sf := e.file(map[string]*v1alpha1.Service{
		"api":    {Image: "registry.example.com/api:1", Port: ptr(8080)},
		"worker": {Image: "registry.example.com/worker:1"},
	})
	sf.Spec.Notifications = []v1alpha1.Notification{{Format: "json", URLSecretRef: &v1alpha1.SecretKeyRef{Name: "hooks", Key: "url"}}}
	if err := e.cl.Create(t.Context(), sf); err != nil {
		t.Fatal(err)
	}
	got := e.await(t, "revision 1 synced and healthy", synced(1))
	if len(got.Status.History) != 1 {
		t.Errorf("history %+v", got.Status.History)
	}
	told := hooks.Await(t, func(evs []notify.Event) bool { return len(evs) > 0 })
	if ev := told[0]; ev.Source != "deploy" || ev.Kind != "deployed" || ev.Subject != "shop (namespace "+e.ns+")" || ev.Figures["revision"] != "1" {
		t.Errorf("notification of revision 1: %+v", ev)
	}
	e.update(t, func(sf *v1alpha1.ServiceFile) { sf.Spec.Services["api"].Image = "registry.example.com/api:2" })
	e.await(t, "revision 2", synced(2))
	if d, _ := e.deployment(t, "api"); d.Spec.Template.Spec.Containers[0].Image != "registry.example.com/api:2" {
		t.Errorf("api image %s", d.Spec.Template.Spec.Containers[0].Image)
	}
	e.update(t, func(sf *v1alpha1.ServiceFile) { delete(sf.Spec.Services, "worker") })
	e.await(t, "revision 3", synced(3))
	if _, ok := e.deployment(t, "worker"); ok {
		t.Error("worker was not pruned")
	}
}

func TestHandEditIsDriftThenHealed(t *testing.T) {
	e := newEnv(t)
	if err := e.cl.Create(t.Context(), e.file(map[string]*v1alpha1.Service{
		"api": {Image: "registry.example.com/api:1", Port: ptr(8080), Replicas: ptr(2)},
	})); err != nil {
		t.Fatal(err)
	}
	e.await(t, "synced", synced(1))
	// A hand edit, as "kubectl scale" or "kubectl edit" would make it.
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		d, _ := e.deployment(t, "api")
		d.Spec.Replicas = ptr(int32(5))
		return e.cl.Update(t.Context(), d, client.FieldOwner("kubectl-edit"))
	})
	if err != nil {
		t.Fatal(err)
	}
	got := e.await(t, "OutOfSync", func(sf *v1alpha1.ServiceFile) bool { return sf.Status.Sync == v1alpha1.SyncOutOfSync })
	if len(got.Status.Drift) == 0 || !strings.Contains(got.Status.Drift[0].Object, "api") ||
		!strings.Contains(strings.Join(got.Status.Drift[0].Managers, ","), "kubectl-edit") {
		t.Errorf("drift %+v, want Deployment api changed by kubectl-edit (message %q)", got.Status.Drift, got.Status.Message)
	}
	if d, _ := e.deployment(t, "api"); *d.Spec.Replicas != 5 {
		t.Errorf("replicas %d: without self-heal the edit must stay", *d.Spec.Replicas)
	}
	e.update(t, func(sf *v1alpha1.ServiceFile) { sf.Spec.SelfHeal = true })
	e.await(t, "healed", func(sf *v1alpha1.ServiceFile) bool {
		return sf.Status.Sync == v1alpha1.SyncSynced && sf.Status.ObservedGeneration == sf.Generation
	})
	if d, _ := e.deployment(t, "api"); *d.Spec.Replicas != 2 {
		t.Errorf("replicas %d after self-heal, want 2", *d.Spec.Replicas)
	}
}

func TestUnschedulableRolloutIsDegradedWithThePod(t *testing.T) {
	e := newEnv(t)
	if err := e.cl.Create(t.Context(), e.file(map[string]*v1alpha1.Service{
		"api": {Image: "registry.example.com/api:1", Port: ptr(8080), Replicas: ptr(1), CPU: "500"},
	})); err != nil {
		t.Fatal(err)
	}
	got := e.await(t, "Degraded", func(sf *v1alpha1.ServiceFile) bool { return sf.Status.Health == v1alpha1.HealthDegraded })
	if !strings.Contains(got.Status.Message, "pod api-") || !strings.Contains(got.Status.Message, "Unschedulable") {
		t.Errorf("message %q, want the pod and Unschedulable", got.Status.Message)
	}
	if got.Status.Sync != v1alpha1.SyncSynced {
		t.Errorf("sync %s: the file is applied, only unhealthy", got.Status.Sync)
	}
}

func TestInvalidFileIsReportedNotCrashed(t *testing.T) {
	e := newEnv(t)
	if err := e.cl.Create(t.Context(), e.file(map[string]*v1alpha1.Service{
		"api": {Image: "registry.example.com/api", Port: ptr(8080)}, // no tag: the settings model refuses it
	})); err != nil {
		t.Fatal(err)
	}
	got := e.await(t, "invalid", func(sf *v1alpha1.ServiceFile) bool { return sf.Status.Sync == v1alpha1.SyncOutOfSync })
	if !strings.Contains(got.Status.Message, "no tag or digest") {
		t.Errorf("message %q", got.Status.Message)
	}
}
