package migration

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/spec"
)

// token reads the DNS token from the Secret ref names in namespace ns
// ("" when ref is nil). It is read at every connection, straight from the
// API server (a get: the controller neither lists nor watches Secrets, and
// keeps none in its cache), so a rotated Secret is used at the next
// connection. Errors name the Secret and key, never the token. A Secret or
// key that is missing is retried (it may be created after the Migration);
// a token HTTP cannot carry is dns.ErrInvalid.
func (r *Reconciler) token(ctx context.Context, ns string, ref *spec.SecretKeyRef) (string, error) {
	if ref == nil {
		return "", nil
	}
	where := fmt.Sprintf("Secret %s/%s key %q", ns, ref.Name, ref.Key)
	var s corev1.Secret
	if err := r.Direct.Get(ctx, client.ObjectKey{Namespace: ns, Name: ref.Name}, &s); err != nil {
		if apierrors.IsNotFound(err) {
			return "", fmt.Errorf("migration.dns.tokenSecretRef: %s does not exist", where)
		}
		return "", fmt.Errorf("migration.dns.tokenSecretRef: reading %s: %w", where, err)
	}
	raw, ok := s.Data[ref.Key]
	if !ok {
		return "", fmt.Errorf("migration.dns.tokenSecretRef: %s has no such key", where)
	}
	tok, err := dns.CheckToken(string(raw), where)
	if err != nil {
		return "", fmt.Errorf("%w: migration.dns.tokenSecretRef: %w", dns.ErrInvalid, err)
	}
	return tok, nil
}
