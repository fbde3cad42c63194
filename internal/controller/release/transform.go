package release

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

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
		o.ObjectMeta = healthMeta(o.ObjectMeta)
		o.Spec = appsv1.ReplicaSetSpec{}
		o.Status = appsv1.ReplicaSetStatus{}
	case *corev1.Pod:
		o.ObjectMeta = healthMeta(o.ObjectMeta)
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

// healthMeta is the metadata health and the cache read: identity,
// labels, owners, deletion, and of the annotations only the revision
// (managedFields go with the rest).
func healthMeta(m metav1.ObjectMeta) metav1.ObjectMeta {
	out := metav1.ObjectMeta{
		Name: m.Name, Namespace: m.Namespace, UID: m.UID, ResourceVersion: m.ResourceVersion,
		Generation: m.Generation, CreationTimestamp: m.CreationTimestamp, DeletionTimestamp: m.DeletionTimestamp,
		Labels: m.Labels, OwnerReferences: m.OwnerReferences,
	}
	if rev, ok := m.Annotations[deploy.RevisionAnnotation]; ok {
		out.Annotations = map[string]string{deploy.RevisionAnnotation: rev}
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
