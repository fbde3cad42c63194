package install

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"ferry.dev/ferry/internal/controller/crds"
	"ferry.dev/ferry/internal/kube/objclient"
)

// Apply server-side-applies objs in order (CRDs first) as crds.FieldManager.
func Apply(ctx context.Context, c objclient.Client, objs []*unstructured.Unstructured) error {
	for _, u := range objs {
		if err := c.Apply(ctx, u, crds.FieldManager); err != nil {
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
func Uninstall(ctx context.Context, c objclient.Client, objs []*unstructured.Unstructured, dryRun bool) ([]*unstructured.Unstructured, error) {
	foreground := metav1.DeletePropagationForeground
	var gone []*unstructured.Unstructured
	for _, u := range objs {
		if !removed(u.GetKind()) {
			continue
		}
		gone = append(gone, u)
		if dryRun {
			continue
		}
		if err := c.Delete(ctx, u, metav1.DeleteOptions{PropagationPolicy: &foreground}); err != nil && !apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("deleting %s %s: %w", u.GetKind(), u.GetName(), err)
		}
	}
	return gone, nil
}
