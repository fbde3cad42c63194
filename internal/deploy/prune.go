package deploy

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"ferry.dev/ferry/internal/render"
)

// PruneCandidates returns the objects of the inventory that the new set no
// longer has. Namespaces are never candidates (deleting one deletes
// everything in it, ferry's or not). Whether ferry may delete a candidate
// is decided on the live object by Owned.
func PruneCandidates(inventory, desired []Ref) []Ref {
	keep := make(map[string]bool, len(desired))
	for _, r := range desired {
		keep[r.key()] = true
	}
	var out []Ref
	for _, r := range sortedRefs(inventory) {
		if !keep[r.key()] && !r.isNamespace() {
			out = append(out, r)
		}
	}
	return out
}

// Owned reports whether a live object is ferry's to delete: it carries
// ferry's managed-by and service labels, and, when service is set, belongs
// to that service.
func Owned(labels map[string]string, service string) bool {
	if labels[render.ManagedByLabel] != render.ManagedBy || labels[render.ServiceLabel] == "" {
		return false
	}
	return service == "" || labels[render.ServiceLabel] == service
}

// prune deletes the candidates ferry still owns and returns those that are
// gone (deleted now, or already). An object whose labels no longer say
// ferry owns it is left alone and dropped from the inventory.
func (d *Deployer) prune(ctx context.Context, candidates []Ref, service string, dryRun bool) (gone []Ref, err error) {
	for _, ref := range candidates {
		live, err := d.getLive(ctx, ref)
		if err != nil {
			return gone, err
		}
		if live == nil {
			gone = append(gone, ref)
			continue
		}
		if !Owned(live.GetLabels(), service) {
			if service == "" {
				gone = append(gone, ref) // no longer ferry's: forget it
			}
			continue
		}
		if !dryRun {
			if err := d.deleteLive(ctx, ref, live); err != nil {
				return gone, err
			}
			d.observe(Event{Kind: EventPruned, Ref: ref})
		}
		gone = append(gone, ref)
	}
	return gone, nil
}

// getLive reads ref from the cluster; nil when it does not exist (or its
// kind is no longer served).
func (d *Deployer) getLive(ctx context.Context, ref Ref) (*unstructured.Unstructured, error) {
	gvr, err := resourceFor(d.client.Mapper, ref)
	if meta.IsNoMatchError(err) {
		return nil, nil // a kind the cluster no longer serves has no objects left
	}
	if err != nil {
		return nil, err
	}
	var live *unstructured.Unstructured
	err = retry(ctx, d.backoff, d.retryNote, func(ctx context.Context) error {
		var err error
		live, err = d.client.Dynamic.Resource(gvr).Namespace(ref.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
		return err
	})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", ref, err)
	}
	return live, nil
}

// deleteLive deletes exactly the object that was read (its UID), so an
// object recreated meanwhile by someone else survives.
func (d *Deployer) deleteLive(ctx context.Context, ref Ref, live *unstructured.Unstructured) error {
	gvr, err := resourceFor(d.client.Mapper, ref)
	if err != nil {
		return err
	}
	uid := live.GetUID()
	policy := metav1.DeletePropagationBackground
	opts := metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}, PropagationPolicy: &policy}
	err = retry(ctx, d.backoff, d.retryNote, func(ctx context.Context) error {
		return d.client.Dynamic.Resource(gvr).Namespace(ref.Namespace).Delete(ctx, ref.Name, opts)
	})
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		return fmt.Errorf("pruning %s: %w", ref, err)
	}
	return nil
}
