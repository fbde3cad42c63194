package install

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"ferry.dev/ferry/internal/controller/crds"
)

// Apply server-side-applies objs in order (CRDs first) as crds.FieldManager.
func Apply(ctx context.Context, c client.Client, objs []*unstructured.Unstructured) error {
	for _, u := range objs {
		//nolint:staticcheck // client.Apply with an unstructured object
		if err := c.Patch(ctx, u, client.Apply, client.FieldOwner(crds.FieldManager), client.ForceOwnership); err != nil {
			return fmt.Errorf("applying %s %s: %w", u.GetKind(), u.GetName(), err)
		}
	}
	return nil
}

// removed reports whether uninstall deletes objects of kind: the
// controller, never the CRDs (deleting one deletes every object of it),
// the namespace, or what the controller deployed.
func removed(kind string) bool {
	switch kind {
	case "Deployment", "Service", "PodDisruptionBudget", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding":
		return true
	}
	return false
}

// Uninstall deletes the controller's objects among objs and returns those
// it deleted; objects already gone are skipped.
func Uninstall(ctx context.Context, c client.Client, objs []*unstructured.Unstructured, dryRun bool) ([]*unstructured.Unstructured, error) {
	var gone []*unstructured.Unstructured
	for _, u := range objs {
		if !removed(u.GetKind()) {
			continue
		}
		gone = append(gone, u)
		if dryRun {
			continue
		}
		if err := c.Delete(ctx, u, client.PropagationPolicy("Foreground")); err != nil && !apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("deleting %s %s: %w", u.GetKind(), u.GetName(), err)
		}
	}
	return gone, nil
}
