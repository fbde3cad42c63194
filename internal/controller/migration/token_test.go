package migration_test

import (
	"encoding/json"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/dns/server/servertest"
	"ferry.dev/ferry/internal/migrate"
)

// The DNS token comes from a Secret in the Migration's namespace: a
// Migration created before its Secret waits, saying which Secret and key
// it needs; once the Secret is there the migration runs to done. The
// token is in no status, event or log line.
func TestDNSTokenFromASecretInTheMigrationsNamespace(t *testing.T) {
	e := newEnv(t, "secret")
	runController(t, e, "test-controller")
	m := e.migration("api", "0s", "auto")
	m.Spec.Settings.DNS.TokenFile = ""
	m.Spec.Settings.DNS.TokenSecretRef = &v1alpha1.SecretKeyRef{Name: "dns-admin", Key: "token"}
	if err := e.cl.Create(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	e.await(t, "api", "a wait for the Secret", func(m *v1alpha1.MigrationResource) bool {
		c := meta.FindStatusCondition(m.Status.Conditions, "Running")
		return c != nil && c.Status == "False" && strings.Contains(c.Message, "the Secret "+e.ns+"/dns-admin does not exist")
	})
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "dns-admin", Namespace: e.ns},
		Data:       map[string][]byte{"token": []byte(servertest.Token + "\n")},
	}
	if err := e.cl.Create(t.Context(), secret); err != nil {
		t.Fatal(err)
	}
	got := e.await(t, "api", "stage done", func(m *v1alpha1.MigrationResource) bool { return m.Status.Stage == string(migrate.StageDone) })
	if w := e.weights(t); w["legacy"] != 0 || len(w) != 1 {
		t.Errorf("record after done: %v, want the cluster only", w)
	}
	obj, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	for what, text := range map[string]string{"the object": string(obj), "the events": e.events(t), "the log": e.log.String()} {
		if strings.Contains(text, servertest.Token) {
			t.Errorf("the token is in %s", what)
		}
	}
}

// events is every event's text in the env's namespace.
func (e *env) events(t *testing.T) string {
	t.Helper()
	var list eventsv1.EventList
	if err := e.cl.List(t.Context(), &list, client.InNamespace(e.ns)); err != nil {
		t.Fatal(err)
	}
	if len(list.Items) == 0 {
		t.Fatal("no events: the test would prove nothing")
	}
	var b strings.Builder
	for _, ev := range list.Items {
		b.WriteString(ev.Reason + " " + ev.Note + "\n")
	}
	return b.String()
}
