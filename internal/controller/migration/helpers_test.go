package migration_test

import (
	"encoding/json"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/retry"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/migrate"
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// command appends an operator command to the object's spec, as kubectl
// edit would.
func (e *env) command(t *testing.T, name, cmd string, kind migrate.CommandKind) {
	t.Helper()
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		m := &v1alpha1.MigrationResource{}
		if err := e.cl.Get(t.Context(), types.NamespacedName{Namespace: e.ns, Name: name}, m); err != nil {
			return err
		}
		m.Spec.Commands = append(m.Spec.Commands, v1alpha1.MigrationCommand{Name: cmd, Kind: string(kind)})
		return e.cl.Update(t.Context(), m)
	})
	if err != nil {
		t.Fatal(err)
	}
}
