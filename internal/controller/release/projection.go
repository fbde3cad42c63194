package release

import (
	"fmt"
	"unique"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"ferry.dev/ferry/internal/deploy"
	"ferry.dev/ferry/internal/render"
)

// kind is a kind ferry renders whose objects the controller keeps as
// projections, each from an informer of its own (see projections).
type kind struct {
	apiVersion, name, resource string
	example                    runtime.Object
}

// kinds are the kinds the controller keeps projections of: all ferry
// renders but HTTPRoutes (not every cluster serves them; their objects
// are simply applied).
var kinds = []*kind{
	{"apps/v1", "Deployment", "deployments", &appsv1.Deployment{}},
	{"v1", "Service", "services", &corev1.Service{}},
	{"v1", "ServiceAccount", "serviceaccounts", &corev1.ServiceAccount{}},
	{"v1", "Namespace", "namespaces", &corev1.Namespace{}},
	{"policy/v1", "PodDisruptionBudget", "poddisruptionbudgets", &policyv1.PodDisruptionBudget{}},
	{"networking.k8s.io/v1", "Ingress", "ingresses", &networkingv1.Ingress{}},
}

// projection is what the controller keeps of an object ferry renders:
// what the drift check, the watch's events and health read, and nothing
// else. Every field ferry sets is replaced by one digest of their live
// values (deploy.LiveFields), which is what the drift check compares. A
// struct of its own rather than the typed object with fields cleared: a
// Deployment struct is 1,232 bytes and a Service 592 whatever they hold,
// and annotations need a map (~330 bytes even for one entry); at 1000
// files those were more than a third of the controller's heap.
type projection struct {
	kind            *kind
	namespace, name string
	resourceVersion string
	generation      int64
	deleting        bool
	// applied is ferry's digest of what it last applied
	// (deploy.AppliedAnnotation), fields the digest of the live values at
	// the fields its apply owns.
	applied, fields string
	// service is the object's render.ServiceLabel: it finds its files.
	// The labels themselves are not kept: each of ferry's is a field its
	// apply owns, so a change to one changes fields.
	service string
	rollout *rollout // Deployments only
}

// rollout is what health reads of a Deployment (deploy.Evaluate, and the
// selector that finds its ReplicaSets and pods).
type rollout struct {
	uid      types.UID
	revision string // deploy.RevisionAnnotation
	replicas *int32
	selector labels.Selector
	status   appsv1.DeploymentStatus
}

// project is the informer's transform: in, as decoded, becomes its
// projection. Objects already projected pass through (client-go may hand
// the transform what its store holds).
func (k *kind) project(in any) (any, error) {
	if p, ok := in.(*projection); ok {
		return p, nil
	}
	obj, ok := in.(metav1.Object)
	if !ok {
		return nil, fmt.Errorf("projecting %s: %T is not an object", k.name, in)
	}
	// managedFields are no field ferry sets, and most of what converting
	// the object would cost (each entry's field set decoded into maps).
	managed := obj.GetManagedFields()
	obj.SetManagedFields(nil)
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(in)
	if err != nil {
		return nil, fmt.Errorf("projecting %s %s: %w", k.name, obj.GetName(), err)
	}
	p := &projection{
		kind: k, namespace: intern(obj.GetNamespace()), name: intern(obj.GetName()),
		resourceVersion: obj.GetResourceVersion(), generation: obj.GetGeneration(), deleting: obj.GetDeletionTimestamp() != nil,
		applied: obj.GetAnnotations()[deploy.AppliedAnnotation], fields: deploy.LiveFields(u, managed),
		service: intern(obj.GetLabels()[render.ServiceLabel]),
	}
	if d, ok := in.(*appsv1.Deployment); ok {
		sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
		if err != nil {
			sel = labels.Nothing()
		}
		p.rollout = &rollout{uid: d.UID, revision: d.Annotations[deploy.RevisionAnnotation], replicas: d.Spec.Replicas, selector: sel, status: d.Status}
		for i := range p.rollout.status.Conditions {
			c := &p.rollout.status.Conditions[i]
			c.Type, c.Status, c.Reason = appsv1.DeploymentConditionType(intern(string(c.Type))), corev1.ConditionStatus(intern(string(c.Status))), intern(c.Reason)
		}
	}
	return p, nil
}

// GetObjectMeta lets client-go's key functions name a projection (its
// informer's store is keyed by namespace and name).
func (p *projection) GetObjectMeta() metav1.Object {
	return &metav1.ObjectMeta{Namespace: p.namespace, Name: p.name, ResourceVersion: p.resourceVersion}
}

func (p *projection) ref() deploy.Ref {
	return deploy.Ref{APIVersion: p.kind.apiVersion, Kind: p.kind.name, Namespace: p.namespace, Name: p.name}
}

// live is p as deploy reads a live object: identity, generation and
// ferry's two digests (deploy.FieldsAnnotation marks a projection).
func (p *projection) live() *unstructured.Unstructured {
	meta := map[string]any{
		"name": p.name, "resourceVersion": p.resourceVersion, "generation": p.generation,
		"annotations": map[string]any{deploy.AppliedAnnotation: p.applied, deploy.FieldsAnnotation: p.fields},
	}
	if p.namespace != "" {
		meta["namespace"] = p.namespace
	}
	return &unstructured.Unstructured{Object: map[string]any{"apiVersion": p.kind.apiVersion, "kind": p.kind.name, "metadata": meta}}
}

// deployment is p as deploy.Evaluate reads a Deployment; nil when p is
// not one.
func (p *projection) deployment() *appsv1.Deployment {
	if p.rollout == nil {
		return nil
	}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: p.namespace, Name: p.name, UID: p.rollout.uid, Generation: p.generation,
			Annotations: map[string]string{deploy.RevisionAnnotation: p.rollout.revision}},
		Spec:   appsv1.DeploymentSpec{Replicas: p.rollout.replicas},
		Status: p.rollout.status,
	}
}

// intern is s's canonical copy: one for every equal string the cache
// holds, freed once none is left.
func intern(s string) string { return unique.Make(s).Value() }
