package secrets

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Reader reads one key of a Secret in namespace ns with a get straight
// from the API server (the controller neither lists nor watches Secrets,
// and keeps none in its cache), so a rotated Secret is read at the next
// use. A Secret that does not exist, or lacks the key, is an error naming
// it, never its data.
func Reader(c client.Reader, ns string) func(ctx context.Context, name, key string) (string, error) {
	return func(ctx context.Context, name, key string) (string, error) {
		var s corev1.Secret
		if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &s); err != nil {
			if apierrors.IsNotFound(err) {
				return "", fmt.Errorf("the Secret %s/%s does not exist", ns, name)
			}
			return "", fmt.Errorf("reading Secret %s/%s: %w", ns, name, err)
		}
		v, ok := s.Data[key]
		if !ok {
			return "", fmt.Errorf("the Secret %s/%s has no key %q", ns, name, key)
		}
		return string(v), nil
	}
}
