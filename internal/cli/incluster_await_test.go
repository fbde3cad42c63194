package cli_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// awaitObject polls the object name until ok says it is there; a bound
// on liveness, not on speed: a stuck controller fails the test with the
// object's last state instead of hanging until go test's timeout.
func awaitObject[T client.Object](t *testing.T, e *clusterEnv, name string, obj T, ok func(T) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	for {
		if err := e.cl.Get(ctx, types.NamespacedName{Namespace: e.ns, Name: name}, obj); err == nil && ok(obj) {
			return
		}
		select {
		case <-ctx.Done():
			last := fmt.Sprintf("%+v", obj)
			t.Fatalf("waiting for %s: %v; last: %s", name, ctx.Err(), last[:min(len(last), 2000)])
		case <-time.After(50 * time.Millisecond):
		}
	}
}
