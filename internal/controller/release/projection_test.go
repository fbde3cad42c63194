package release

import (
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"ferry.dev/ferry/internal/deploy"
	"ferry.dev/ferry/internal/render"
)

// healthFixture is a rollout stuck on a pod that cannot pull its image,
// with everything the API server fills in that health does not read.
func healthFixture() (*appsv1.Deployment, *appsv1.ReplicaSet, *corev1.Pod) {
	replicas := int32(1)
	labels := map[string]string{"app.kubernetes.io/name": "api", "pod-template-hash": "abc"}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "api", UID: "dep", Generation: 2,
			Annotations: map[string]string{deploy.RevisionAnnotation: "2"}},
		Spec:   appsv1.DeploymentSpec{Replicas: &replicas},
		Status: appsv1.DeploymentStatus{ObservedGeneration: 2, Replicas: 1},
	}
	rs := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "api-abc", UID: "rs", ResourceVersion: "7", Labels: labels,
			OwnerReferences: []metav1.OwnerReference{{UID: "dep", Name: "api"}},
			Annotations:     map[string]string{deploy.RevisionAnnotation: "2", "deployment.kubernetes.io/desired-replicas": "1", "ferry.dev/applied": "x"},
			ManagedFields:   []metav1.ManagedFieldsEntry{{Manager: "kube-controller-manager"}}},
		Spec: appsv1.ReplicaSetSpec{Replicas: &replicas, Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "api", Image: "api:2"}}}}},
		Status: appsv1.ReplicaSetStatus{Replicas: 1},
	}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "api-abc-1", UID: "pod", ResourceVersion: "9", Labels: labels,
			OwnerReferences: []metav1.OwnerReference{{UID: "rs", Name: "api-abc"}},
			Annotations:     map[string]string{"kubectl.kubernetes.io/restartedAt": "now"}},
		Spec: corev1.PodSpec{NodeName: "node-1", Containers: []corev1.Container{{Name: "api", Image: "api:2"}}},
		Status: corev1.PodStatus{
			Phase: corev1.PodPending, PodIP: "10.0.0.1", HostIP: "192.168.0.1", QOSClass: corev1.PodQOSBurstable,
			Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionFalse, Reason: "ContainersNotReady"}},
			ContainerStatuses: []corev1.ContainerStatus{{
				Name: "api", Image: "api:2", ImageID: "sha256:1", ContainerID: "containerd://1", RestartCount: 3,
				State:                corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ImagePullBackOff", Message: "not found"}},
				LastTerminationState: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 1}},
			}},
		},
	}
	return d, rs, pod
}

// Health lists ReplicaSets and pods only for a rollout the Deployment
// controller has observed and not finished, and gives each Deployment
// only what its selector matches in its own namespace.
func TestHealthReadsPodsOnlyWhenEvaluateNeedsThem(t *testing.T) {
	d, rs, pod := healthFixture()
	d.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app.kubernetes.io/name": "api"}}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	if !needsPods(d, now) {
		t.Error("an observed rollout with its pod not ready: pods not read")
	}
	unobserved := d.DeepCopy()
	unobserved.Generation = 3
	if needsPods(unobserved, now) {
		t.Error("a rollout the Deployment controller has not observed yet: pods read for nothing")
	}
	done := d.DeepCopy()
	done.Status = appsv1.DeploymentStatus{ObservedGeneration: 2, Replicas: 1, UpdatedReplicas: 1, ReadyReplicas: 1, AvailableReplicas: 1}
	if needsPods(done, now) {
		t.Error("a finished rollout: pods read for nothing")
	}

	elsewhere := pod.DeepCopy()
	elsewhere.Namespace, elsewhere.Name = "other", "api-abc-2"
	other := pod.DeepCopy()
	other.Name, other.Labels = "web-1", map[string]string{"app.kubernetes.io/name": "web"}
	objs := rolloutObjects{rss: []appsv1.ReplicaSet{*rs}, pods: []corev1.Pod{*elsewhere, *other, *pod}}
	p := projectOf(t, d.DeepCopy())
	rss, pods := objs.of(p.namespace, p.rollout.selector)
	if len(rss) != 1 || len(pods) != 1 || pods[0].Name != pod.Name {
		t.Fatalf("of(api in shop) = %d ReplicaSets, pods %v; want its one ReplicaSet and pod api-abc-1", len(rss), pods)
	}
	ro := deploy.Evaluate(d, rss, pods, now)
	if !ro.Failed || len(ro.Pods) != 1 || ro.Pods[0].Reason != "ImagePullBackOff" {
		t.Errorf("Evaluate on what health listed = %+v, want failed on the pod's ImagePullBackOff", ro)
	}
}

// projectOf is obj's projection, as its informer's transform makes it.
func projectOf(t testing.TB, obj metav1.Object) *projection {
	t.Helper()
	for _, k := range kinds {
		if reflect.TypeOf(k.example) == reflect.TypeOf(obj) {
			p, err := k.project(obj)
			if err != nil {
				t.Fatal(err)
			}
			return p.(*projection)
		}
	}
	t.Fatalf("no projection of %T", obj)
	return nil
}

// A projected Deployment gives Evaluate the same verdict as the whole one
// and keeps, of everything ferry set, only the digest the drift check
// compares, which deploy reads from it as from a live object.
func TestProjectedDeploymentKeepsHealthAndDigest(t *testing.T) {
	d, rs, pod := healthFixture()
	d.Annotations[deploy.AppliedAnnotation] = "abc"
	d.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app.kubernetes.io/name": "api"}}
	d.Spec.Template.Spec.Containers = []corev1.Container{{Name: "api", Image: "api:2"}}
	d.ManagedFields = []metav1.ManagedFieldsEntry{{
		Manager: deploy.FieldManager, Operation: metav1.ManagedFieldsOperationApply,
		FieldsV1: metav1.NewFieldsV1(`{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"api\"}":{".":{},"f:image":{},"f:name":{}}}}}}}`),
	}}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	want := deploy.Evaluate(d, []*appsv1.ReplicaSet{rs}, []*corev1.Pod{pod}, now)
	p := projectOf(t, d.DeepCopy())
	if diff := cmp.Diff(want, deploy.Evaluate(p.deployment(), []*appsv1.ReplicaSet{rs}, []*corev1.Pod{pod}, now)); diff != "" {
		t.Errorf("Evaluate on the projection (-whole +projected):\n%s", diff)
	}
	if p.fields == "" || p.applied != "abc" || !p.rollout.selector.Matches(labels.Set{"app.kubernetes.io/name": "api"}) {
		t.Errorf("projection lost ferry's digests or the selector: %+v", p)
	}
	live := p.live()
	if live.GetAnnotations()[deploy.FieldsAnnotation] != p.fields || live.GetGeneration() != d.Generation || live.GetName() != "api" || live.GetNamespace() != "shop" {
		t.Errorf("as deploy reads it live: %v", live.Object)
	}
	edited := d.DeepCopy()
	edited.Spec.Template.Spec.Containers[0].Image = "api:hand"
	if projectOf(t, edited).fields == p.fields {
		t.Error("an image edited gives the same digest of ferry's fields")
	}
}

// A projection keeps its service, not its labels, and two objects of one
// service, decoded apart, share the strings of their names and service.
func TestProjectionsKeepTheServiceAndShareItsName(t *testing.T) {
	decoded := func() *corev1.Service {
		// strings.Clone: each its own copy, as a decoder makes them.
		c := strings.Clone
		return &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: c("api"), Namespace: c("shop"),
			Labels: map[string]string{c("app.kubernetes.io/name"): c("api"), c(render.ServiceLabel): c("api")}}}
	}
	a, b := projectOf(t, decoded()), projectOf(t, decoded())
	if a.service != "api" || a.rollout != nil {
		t.Errorf("projection %+v: want the service kept, no rollout", a)
	}
	same := func(x, y string) bool { return unsafe.StringData(x) == unsafe.StringData(y) }
	if !same(a.name, b.name) || !same(a.namespace, b.namespace) || !same(a.name, b.service) {
		t.Error("names and services not shared")
	}
}

// BenchmarkProjected is the cost of projecting one Deployment as the
// informer receives it (with ferry's and the Deployment controller's
// managedFields entries): every watch event of every kind pays it.
func BenchmarkProjected(b *testing.B) {
	d, _, _ := healthFixture()
	d.Spec.Template.Spec.Containers = []corev1.Container{{Name: "api", Image: "api:2"}}
	d.ManagedFields = []metav1.ManagedFieldsEntry{{
		Manager: deploy.FieldManager, Operation: metav1.ManagedFieldsOperationApply,
		FieldsV1: metav1.NewFieldsV1(`{"f:metadata":{"f:labels":{"f:app.kubernetes.io/name":{}}},"f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"api\"}":{".":{},"f:image":{},"f:name":{}}}}}}}`),
	}, {
		Manager: "kube-controller-manager", Operation: metav1.ManagedFieldsOperationUpdate, Subresource: "status",
		FieldsV1: metav1.NewFieldsV1(`{"f:status":{"f:replicas":{},"f:conditions":{".":{},"k:{\"type\":\"Available\"}":{".":{},"f:status":{},"f:type":{}}}}}`),
	}}
	b.ReportAllocs()
	for b.Loop() {
		projectOf(b, d.DeepCopy())
	}
}

// BenchmarkProjectionHeap reports what a kept projection costs the heap
// (bytes/object, after a collection), for a Deployment as the API server
// fills it in and for a Service with the same metadata.
func BenchmarkProjectionHeap(b *testing.B) {
	d, _, _ := healthFixture()
	d.UID, d.ResourceVersion = "0f0e0d0c-0b0a-0908-0706-050403020100", "123456"
	d.Annotations[deploy.AppliedAnnotation] = "0123456789abcdef01234567"
	d.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app.kubernetes.io/name": "api"}}
	d.Status.Conditions = []appsv1.DeploymentCondition{
		{Type: appsv1.DeploymentAvailable, Status: "True", Reason: "MinimumReplicasAvailable", Message: "Deployment has minimum availability."},
		{Type: appsv1.DeploymentProgressing, Status: "True", Reason: "NewReplicaSetAvailable", Message: `ReplicaSet "api-abc" has successfully progressed.`},
	}
	d.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: deploy.FieldManager, Operation: metav1.ManagedFieldsOperationApply,
		FieldsV1: metav1.NewFieldsV1(`{"f:spec":{"f:replicas":{}}}`)}}
	svc := &corev1.Service{ObjectMeta: *d.ObjectMeta.DeepCopy()}
	const n = 5000
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	for _, tc := range []struct {
		name  string
		fresh func() metav1.Object
	}{{"Deployment", func() metav1.Object { return d.DeepCopy() }}, {"Service", func() metav1.Object { return svc.DeepCopy() }}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				kept := make([]*projection, 0, n)
				before := heap()
				for range n {
					kept = append(kept, projectOf(b, tc.fresh()))
				}
				b.ReportMetric(float64(heap()-before)/n, "bytes/object")
				runtime.KeepAlive(kept)
			}
		})
	}
}
