package release

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"ferry.dev/ferry/internal/deploy"
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

// What healthOnly keeps is what deploy.Evaluate reads: the verdict on a
// trimmed ReplicaSet and pod is the verdict on the whole ones.
func TestHealthOnlyKeepsWhatEvaluateReads(t *testing.T) {
	d, rs, pod := healthFixture()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	want := deploy.Evaluate(d, []*appsv1.ReplicaSet{rs}, []*corev1.Pod{pod}, now)
	if !want.Failed || len(want.Pods) != 1 {
		t.Fatalf("fixture: want a failed rollout with one pod problem, got %+v", want)
	}
	trimmedRS, _ := healthOnly(rs.DeepCopy())
	trimmedPod, _ := healthOnly(pod.DeepCopy())
	got := deploy.Evaluate(d, []*appsv1.ReplicaSet{trimmedRS.(*appsv1.ReplicaSet)}, []*corev1.Pod{trimmedPod.(*corev1.Pod)}, now)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Evaluate on trimmed objects (-whole +trimmed):\n%s", diff)
	}
	if got := serviceLabelOf(trimmedPod.(*corev1.Pod)); cmp.Diff(serviceLabelOf(pod), got) != "" {
		t.Errorf("index key %v after trimming, want %v", got, serviceLabelOf(pod))
	}
}

// What healthOnly drops: spec, status and annotations health never reads.
func TestHealthOnlyDropsTheRest(t *testing.T) {
	_, rs, pod := healthFixture()
	r, _ := healthOnly(rs)
	p, _ := healthOnly(pod)
	gotRS, gotPod := r.(*appsv1.ReplicaSet), p.(*corev1.Pod)
	if diff := cmp.Diff(map[string]string{deploy.RevisionAnnotation: "2"}, gotRS.Annotations); diff != "" {
		t.Errorf("ReplicaSet annotations (-want +got):\n%s", diff)
	}
	if gotRS.ManagedFields != nil || gotRS.Spec.Selector != nil || gotRS.Spec.Template.Spec.Containers != nil || gotRS.Status.Replicas != 0 {
		t.Errorf("ReplicaSet keeps managedFields, spec or status: %+v", gotRS)
	}
	if gotRS.ResourceVersion != "7" || gotRS.UID != "rs" || gotRS.Labels["pod-template-hash"] != "abc" {
		t.Errorf("ReplicaSet lost its identity or labels: %+v", gotRS.ObjectMeta)
	}
	if gotPod.Annotations != nil || gotPod.Spec.Containers != nil || gotPod.Status.PodIP != "" || gotPod.Status.QOSClass != "" {
		t.Errorf("pod keeps annotations, containers, IP or QoS class: %+v", gotPod)
	}
	c := gotPod.Status.ContainerStatuses[0]
	if c.Image != "" || c.ImageID != "" || c.ContainerID != "" {
		t.Errorf("container status keeps image or ids: %+v", c)
	}
	if gotPod.Spec.NodeName != "node-1" || gotPod.Status.Phase != corev1.PodPending || c.State.Waiting == nil || c.RestartCount != 3 {
		t.Errorf("pod lost what health reads: %+v", gotPod)
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
