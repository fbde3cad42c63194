package migration

import (
	"context"
	"fmt"

	"ferry.dev/ferry/internal/controller/secrets"
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
	raw, err := secrets.Reader(r.Direct, ns)(ctx, ref.Name, ref.Key)
	if err != nil {
		return "", fmt.Errorf("migration.dns.tokenSecretRef: %w", err)
	}
	tok, err := dns.CheckToken(raw, fmt.Sprintf("Secret %s/%s key %q", ns, ref.Name, ref.Key))
	if err != nil {
		return "", fmt.Errorf("%w: migration.dns.tokenSecretRef: %w", dns.ErrInvalid, err)
	}
	return tok, nil
}
