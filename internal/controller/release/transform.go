package release

import (
	"fmt"
	"unique"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"ferry.dev/ferry/internal/deploy"
)

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
		if o.Spec.Selector != nil {
			internMap(o.Spec.Selector.MatchLabels)
		}
		for i := range o.Status.Conditions {
			c := &o.Status.Conditions[i]
			c.Type, c.Status, c.Reason = appsv1.DeploymentConditionType(intern(string(c.Type))), corev1.ConditionStatus(intern(string(c.Status))), intern(c.Reason)
		}
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
// keep (managedFields go with the rest). The strings objects share (label
// keys and values, names, namespaces) are interned: a service's objects
// repeat its name a dozen times, and every object ferry's label keys.
func healthMeta(o metav1.Object, keep ...string) metav1.ObjectMeta {
	internMap(o.GetLabels())
	out := metav1.ObjectMeta{
		Name: intern(o.GetName()), Namespace: intern(o.GetNamespace()), UID: o.GetUID(), ResourceVersion: o.GetResourceVersion(),
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

// intern is s's canonical copy: one for every equal string the cache
// holds, freed once none is left.
func intern(s string) string { return unique.Make(s).Value() }

// internMap interns m's keys and values in place (assigning to an equal
// key replaces the key a map holds).
func internMap(m map[string]string) {
	for k, v := range m {
		m[intern(k)] = intern(v)
	}
}
