package release

import (
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

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
	rss, pods := objs.of(d)
	if len(rss) != 1 || len(pods) != 1 || pods[0].Name != pod.Name {
		t.Fatalf("of(api in shop) = %d ReplicaSets, pods %v; want its one ReplicaSet and pod api-abc-1", len(rss), pods)
	}
	ro := deploy.Evaluate(d, rss, pods, now)
	if !ro.Failed || len(ro.Pods) != 1 || ro.Pods[0].Reason != "ImagePullBackOff" {
		t.Errorf("Evaluate on what health listed = %+v, want failed on the pod's ImagePullBackOff", ro)
	}
}

// A projected Deployment gives Evaluate the same verdict as the whole one
// and keeps, of everything ferry set, only the digest the drift check
// compares; its spec's pod template and managedFields are gone.
func TestProjectedDeploymentKeepsHealthAndDigest(t *testing.T) {
	d, rs, pod := healthFixture()
	d.Annotations[deploy.AppliedAnnotation] = "abc"
	d.Annotations["example.com/other"] = "x"
	d.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app.kubernetes.io/name": "api"}}
	d.Spec.Template.Spec.Containers = []corev1.Container{{Name: "api", Image: "api:2"}}
	d.ManagedFields = []metav1.ManagedFieldsEntry{{
		Manager: deploy.FieldManager, Operation: metav1.ManagedFieldsOperationApply,
		FieldsV1: metav1.NewFieldsV1(`{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"api\"}":{".":{},"f:image":{},"f:name":{}}}}}}}`),
	}}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	want := deploy.Evaluate(d, []*appsv1.ReplicaSet{rs}, []*corev1.Pod{pod}, now)
	p, err := projected(d.DeepCopy())
	if err != nil {
		t.Fatal(err)
	}
	got := p.(*appsv1.Deployment)
	if diff := cmp.Diff(want, deploy.Evaluate(got, []*appsv1.ReplicaSet{rs}, []*corev1.Pod{pod}, now)); diff != "" {
		t.Errorf("Evaluate on the projection (-whole +projected):\n%s", diff)
	}
	if got.Spec.Template.Spec.Containers != nil || got.ManagedFields != nil || got.Annotations["example.com/other"] != "" {
		t.Errorf("projection keeps the pod template, managedFields or others' annotations: %+v", got)
	}
	if got.Annotations[deploy.FieldsAnnotation] == "" || got.Annotations[deploy.AppliedAnnotation] != "abc" || got.Spec.Selector == nil {
		t.Errorf("projection lost ferry's digests or the selector: %+v", got.ObjectMeta)
	}
	edited := d.DeepCopy()
	edited.Spec.Template.Spec.Containers[0].Image = "api:hand"
	pe, _ := projected(edited)
	if pe.(*appsv1.Deployment).Annotations[deploy.FieldsAnnotation] == got.Annotations[deploy.FieldsAnnotation] {
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
	a, err := projected(decoded())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := projected(decoded())
	ma, mb := a.(*corev1.Service).ObjectMeta, b.(*corev1.Service).ObjectMeta
	if ma.Labels != nil || ma.Annotations[render.ServiceLabel] != "api" {
		t.Errorf("projection's labels %v, annotations %v: want no labels and the service kept", ma.Labels, ma.Annotations)
	}
	same := func(x, y string) bool { return unsafe.StringData(x) == unsafe.StringData(y) }
	if !same(ma.Name, mb.Name) || !same(ma.Namespace, mb.Namespace) || !same(ma.Name, mb.Annotations[render.ServiceLabel]) {
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
		if _, err := projected(d.DeepCopy()); err != nil {
			b.Fatal(err)
		}
	}
}
