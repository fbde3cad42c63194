package migration_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/controller/controllertest"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/notify"
	"ferry.dev/ferry/internal/testcluster"
)

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(runHelper())
	}
	os.Exit(testcluster.Main(m))
}

// stepWeights are the cluster weights of the timeline's DNS changes of
// the shift, in order.
func stepWeights(t *testing.T, m *v1alpha1.MigrationResource) []int {
	t.Helper()
	var st migrate.State
	if err := jsonUnmarshal(m.Status.State.Raw, &st); err != nil {
		t.Fatal(err)
	}
	var ws []int
	for _, ev := range st.Timeline {
		if ev.Kind == migrate.EventStep && ev.Stage == migrate.StageShift {
			ws = append(ws, ev.Weights.Cluster)
		}
	}
	return ws
}

// TestMigrationRunsToDoneThroughTheObjectOnly: a whole migration driven
// by the object, its notifications delivered by the controller to a
// receiver on loopback whose URL is in a Secret (one whose Secret is
// missing is skipped with a Warning event, and stops nothing).
func TestMigrationRunsToDoneThroughTheObjectOnly(t *testing.T) {
	e := newEnv(t, "full")
	hooks := controllertest.ReceiveNotifications(t)
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "hooks", Namespace: e.ns}, StringData: map[string]string{"url": hooks.URL}}
	if err := e.cl.Create(t.Context(), secret); err != nil {
		t.Fatal(err)
	}
	runController(t, e, "test-controller")
	m := e.migration("api", "0s", "auto")
	m.Spec.Notifications = []v1alpha1.Notification{
		{Format: "json", URLSecretRef: &v1alpha1.SecretKeyRef{Name: "hooks", Key: "url"}},
		{Format: "json", URLSecretRef: &v1alpha1.SecretKeyRef{Name: "no-such-secret", Key: "url"}},
	}
	if err := e.cl.Create(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	m = e.await(t, "api", "stage done", func(m *v1alpha1.MigrationResource) bool { return m.Status.Stage == string(migrate.StageDone) })
	got := hooks.Await(t, func(evs []notify.Event) bool {
		return slices.ContainsFunc(evs, func(ev notify.Event) bool { return ev.Stage == string(migrate.StageDone) })
	})
	if !slices.ContainsFunc(got, func(ev notify.Event) bool { return ev.Kind == string(migrate.EventStep) && ev.Weights != "" }) ||
		got[0].Source != "migrate" || got[0].Subject != e.domain {
		t.Errorf("notifications received: %+v; want the steps with their weights, from migrate, about %s", got, e.domain)
	}
	if strings.Contains(e.log.String(), hooks.URL) {
		t.Error("the notification URL is in the controller's log")
	}
	if w := e.weights(t); w["legacy"] != 0 || len(w) != 1 {
		t.Errorf("record after done: %v, want the cluster only", w)
	}
	if got, want := stepWeights(t, m), []int{0, 10, 50, 100}; !slices.Equal(got, want) {
		t.Errorf("shift steps %v, want %v", got, want)
	}
	if c := meta.FindStatusCondition(m.Status.Conditions, "Valid"); c == nil || c.Status != "True" {
		t.Errorf("condition Valid: %+v", c)
	}
	if m.Status.Holder != "test-controller" || m.Status.Weights == nil || m.Status.Weights.Cluster != 100 {
		t.Errorf("status: holder %q weights %+v", m.Status.Holder, m.Status.Weights)
	}
}

func TestMigrationRollsBackFromFiftyPercentThroughTheObject(t *testing.T) {
	e := newEnv(t, "back")
	runController(t, e, "test-controller")
	if err := e.cl.Create(t.Context(), e.migration("api", "0s", "manual")); err != nil {
		t.Fatal(err)
	}
	awaitPromotion := func(cluster int) {
		e.await(t, "api", "waiting for promote", func(m *v1alpha1.MigrationResource) bool {
			return m.Status.Weights != nil && m.Status.Weights.Cluster == cluster && m.Status.Message == "waiting for promote"
		})
	}
	awaitPromotion(0) // preview
	e.command(t, "api", "p1", migrate.Promote)
	awaitPromotion(10)
	e.command(t, "api", "p2", migrate.Promote)
	awaitPromotion(50)
	if w := e.weights(t); w["cluster"] != 50 || w["legacy"] != 50 {
		t.Fatalf("record at 50%%: %v", w)
	}
	e.command(t, "api", "back", migrate.Rollback)
	// A command is acknowledged once applied, in the status write after
	// the rolled-back state's own.
	m := e.await(t, "api", "rolled back and acknowledged", func(m *v1alpha1.MigrationResource) bool {
		return m.Status.Stage == string(migrate.StageRolledBack) && slices.Contains(m.Status.Acknowledged, "back")
	})
	if w := e.weights(t); w["cluster"] != 0 || len(w) != 1 {
		t.Errorf("record after rollback: %v, want legacy only", w)
	}
	if !slices.Equal(m.Status.Acknowledged, []string{"p1", "p2", "back"}) {
		t.Errorf("acknowledged %v", m.Status.Acknowledged)
	}
	if m.Status.Message != migrate.ReasonOperatorRollback {
		t.Errorf("message %q", m.Status.Message)
	}
}

func TestInvalidSettingsAreReportedInACondition(t *testing.T) {
	e := newEnv(t, "invalid")
	runController(t, e, "test-controller")
	m := e.migration("api", "0s", "auto")
	m.Spec.Settings.Hold = "soon" // not refused by the schema; the settings model refuses it
	if err := e.cl.Create(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	got := e.await(t, "api", "Valid=False", func(m *v1alpha1.MigrationResource) bool {
		c := meta.FindStatusCondition(m.Status.Conditions, "Valid")
		return c != nil && c.Status == "False"
	})
	c := meta.FindStatusCondition(got.Status.Conditions, "Valid")
	if c.Reason != "Invalid" || !contains(c.Message, "migration.hold") {
		t.Errorf("condition %+v, want reason Invalid naming migration.hold", c)
	}
	if got.Status.Stage != "" {
		t.Errorf("stage %q: an invalid migration must not start", got.Status.Stage)
	}
}
