package release

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"ferry.dev/ferry/internal/deploy"
)

// healthOnly keeps of a ReplicaSet or pod only what health reads, for
// the informer cache: with replicas, pods are most of what it holds.
// deploy.Evaluate finds a Deployment's new ReplicaSet by owner and
// revision annotation, and judges that ReplicaSet's pods by owner,
// deletion and status; the cache's index reads the labels. Nothing else
// reads these two kinds (no watch of them, no drift check), so their
// spec, most status and other annotations are dropped.
func healthOnly(in any) (any, error) {
	switch o := in.(type) {
	case *appsv1.ReplicaSet:
		o.ObjectMeta = healthMeta(o, deploy.RevisionAnnotation)
		o.Spec = appsv1.ReplicaSetSpec{}
		o.Status = appsv1.ReplicaSetStatus{}
	case *corev1.Pod:
		o.ObjectMeta = healthMeta(o, deploy.RevisionAnnotation)
		o.Spec = corev1.PodSpec{NodeName: o.Spec.NodeName}
		o.Status = corev1.PodStatus{
			Phase: o.Status.Phase, Reason: o.Status.Reason, Message: o.Status.Message,
			Conditions:            o.Status.Conditions,
			InitContainerStatuses: healthContainers(o.Status.InitContainerStatuses),
			ContainerStatuses:     healthContainers(o.Status.ContainerStatuses),
		}
	}
	return in, nil
}

// projected keeps of an object ferry renders what the reconciler reads
// of it: identity, labels, ferry's digests and, of a Deployment, what
// health reads. Every field ferry sets is replaced by one digest of them
// as they are live (deploy.LiveFields), which is what the drift check
// compares. A whole Deployment is ~7 KB in the cache; its projection is
// the struct (1.2 KB), its status and a few strings.
func projected(in any) (any, error) {
	obj, ok := in.(client.Object)
	if !ok {
		return in, nil
	}
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, err
	}
	meta := healthMeta(obj, deploy.AppliedAnnotation, deploy.RevisionAnnotation)
	if meta.Annotations == nil {
		meta.Annotations = map[string]string{}
	}
	meta.Annotations[deploy.FieldsAnnotation] = deploy.LiveFields(u, obj.GetManagedFields())
	switch o := in.(type) {
	case *appsv1.Deployment:
		*o = appsv1.Deployment{ObjectMeta: meta, Status: o.Status,
			Spec: appsv1.DeploymentSpec{Replicas: o.Spec.Replicas, Selector: o.Spec.Selector}}
	case *corev1.Service:
		*o = corev1.Service{ObjectMeta: meta}
	case *corev1.ServiceAccount:
		*o = corev1.ServiceAccount{ObjectMeta: meta}
	case *policyv1.PodDisruptionBudget:
		*o = policyv1.PodDisruptionBudget{ObjectMeta: meta}
	case *networkingv1.Ingress:
		*o = networkingv1.Ingress{ObjectMeta: meta}
	default:
		return nil, fmt.Errorf("no projection of %T", in)
	}
	return in, nil
}

// healthMeta is the metadata health and the cache read: identity,
// labels, owners, deletion, and of the annotations only those named in
// keep (managedFields go with the rest).
func healthMeta(o metav1.Object, keep ...string) metav1.ObjectMeta {
	out := metav1.ObjectMeta{
		Name: o.GetName(), Namespace: o.GetNamespace(), UID: o.GetUID(), ResourceVersion: o.GetResourceVersion(),
		Generation: o.GetGeneration(), CreationTimestamp: o.GetCreationTimestamp(), DeletionTimestamp: o.GetDeletionTimestamp(),
		Labels: o.GetLabels(), OwnerReferences: o.GetOwnerReferences(),
	}
	for _, k := range keep {
		if v, ok := o.GetAnnotations()[k]; ok {
			if out.Annotations == nil {
				out.Annotations = map[string]string{}
			}
			out.Annotations[k] = v
		}
	}
	return out
}

// healthContainers keeps what deploy's diagnosis of a pod reads of each
// container: its name, why it waits, how it last ended, and restarts.
func healthContainers(in []corev1.ContainerStatus) []corev1.ContainerStatus {
	if in == nil {
		return nil
	}
	out := make([]corev1.ContainerStatus, len(in))
	for i, c := range in {
		out[i] = corev1.ContainerStatus{
			Name: c.Name, Ready: c.Ready, RestartCount: c.RestartCount,
			State:                corev1.ContainerState{Waiting: c.State.Waiting},
			LastTerminationState: corev1.ContainerState{Terminated: c.LastTerminationState.Terminated},
		}
	}
	return out
}
