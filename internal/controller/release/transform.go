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
	"ferry.dev/ferry/internal/render"
)

// projected keeps of an object ferry renders what the reconciler reads
// of it (projectedMeta and, of a Deployment, what health reads). Every
// field ferry sets is replaced by one digest of them as they are live
// (deploy.LiveFields), which is what the drift check compares. A whole
// Deployment is ~7 KB in the cache; its projection is the struct
// (1.2 KB), its status and a few strings.
func projected(in any) (any, error) {
	obj, ok := in.(client.Object)
	if !ok {
		return in, nil
	}
	// managedFields are no field ferry sets, and most of what converting
	// the object would cost (each entry's field set decoded into maps).
	managed := obj.GetManagedFields()
	obj.SetManagedFields(nil)
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, err
	}
	meta := projectedMeta(obj, deploy.LiveFields(u, managed))
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

// projectedMeta is the metadata the reconciler reads of o: identity,
// owners, deletion, and one map of annotations: ferry's applied digest,
// the Deployment controller's revision, fields (the digest of ferry's
// fields) and, under render.ServiceLabel, the service (which finds the
// object's files). The labels go: each of ferry's is a field its apply
// owns, so a change to one changes the digest, and a label of anyone
// else's is no drift; a second map for every object was 5 MB at 1000
// files. Names, namespaces and services are interned: a service's
// objects repeat its name a dozen times.
func projectedMeta(o metav1.Object, fields string) metav1.ObjectMeta {
	ann := map[string]string{deploy.FieldsAnnotation: fields}
	for _, k := range []string{deploy.AppliedAnnotation, deploy.RevisionAnnotation} {
		if v, ok := o.GetAnnotations()[k]; ok {
			ann[k] = v
		}
	}
	if svc, ok := o.GetLabels()[render.ServiceLabel]; ok {
		ann[render.ServiceLabel] = intern(svc)
	}
	return metav1.ObjectMeta{
		Name: intern(o.GetName()), Namespace: intern(o.GetNamespace()), UID: o.GetUID(), ResourceVersion: o.GetResourceVersion(),
		Generation: o.GetGeneration(), CreationTimestamp: o.GetCreationTimestamp(), DeletionTimestamp: o.GetDeletionTimestamp(),
		OwnerReferences: o.GetOwnerReferences(), Annotations: ann,
	}
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
