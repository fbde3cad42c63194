package live

import (
	appsv1 "k8s.io/api/apps/v1"

	"ferry.dev/ferry/internal/render"
)

// ServicesFrom returns a ServiceRef for each Deployment among the rendered
// objects of a ferry file: its namespace, name, replicas and pod selector.
func ServicesFrom(objs []render.Object) []ServiceRef {
	var refs []ServiceRef
	for _, o := range objs {
		d, ok := o.(*appsv1.Deployment)
		if !ok {
			continue
		}
		ref := ServiceRef{Namespace: d.Namespace, Name: d.Name, Replicas: 1}
		if d.Spec.Replicas != nil {
			ref.Replicas = int(*d.Spec.Replicas)
		}
		if d.Spec.Selector != nil {
			ref.Selector = d.Spec.Selector.MatchLabels
		}
		refs = append(refs, ref)
	}
	return refs
}
