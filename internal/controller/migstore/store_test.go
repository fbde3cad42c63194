package migstore_test

import (
	"errors"
	"os"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/controller/controllertest"
	"ferry.dev/ferry/internal/controller/migstore"
	"ferry.dev/ferry/internal/kube/objclient"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/migratetest"
	"ferry.dev/ferry/internal/testcluster"
)

func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }

const domain = "api.store.test"

func setup(t *testing.T) (objclient.Client, types.NamespacedName) {
	t.Helper()
	c, _ := controllertest.Start(t)
	cl := controllertest.Objects(t, c)
	port := 8080
	m := &v1alpha1.MigrationResource{
		ObjectMeta: metav1.ObjectMeta{Name: "api", Namespace: c.Namespace(t)},
		Spec: v1alpha1.MigrationSpec{Service: "api", Domain: domain,
			Legacy: v1alpha1.Endpoint{Address: "10.0.0.1", Port: &port}, Cluster: v1alpha1.Endpoint{Address: "10.0.0.2", Port: &port}},
	}
	if err := cl.Create(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	return cl, types.NamespacedName{Namespace: m.Namespace, Name: m.Name}
}

func started() migrate.State {
	s := migrate.NewState(migratetest.Config(domain, "10.0.0.1:8080", "10.0.0.2:8080"))
	s.Stage, s.Started = migrate.StagePreview, time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	return s
}

func TestStateRoundTripsAndSurvivesCommandsInBetween(t *testing.T) {
	cl, key := setup(t)
	st := &migstore.Store{Client: cl, Key: key, Holder: "me"}
	if _, err := st.Load(t.Context(), domain); !errors.Is(err, migrate.ErrNoState) {
		t.Fatalf("Load of a new object: %v, want ErrNoState", err)
	}
	s := started()
	if err := st.Save(t.Context(), s); err != nil {
		t.Fatal(err)
	}
	// A command arrives (spec changes, resourceVersion moves on): the next
	// save is retried on the fresh object, not refused.
	cli := &migstore.Store{Client: cl, Key: key}
	name, err := cli.Send(domain, s.ID(), migrate.Pause)
	if err != nil {
		t.Fatal(err)
	}
	s.Paused = true
	if err := st.Save(t.Context(), s); err != nil {
		t.Fatalf("save after a command: %v", err)
	}
	qs, err := st.Pending(domain)
	if err != nil || len(qs) != 1 || qs[0].Kind != migrate.Pause || qs[0].Migration != s.ID() {
		t.Fatalf("pending %+v %v", qs, err)
	}
	if !cli.Queued(domain, name) {
		t.Error("the command is not queued before its ack")
	}
	if err := qs[0].Ack(); err != nil {
		t.Fatal(err)
	}
	if cli.Queued(domain, name) {
		t.Error("the command is still queued after its ack")
	}
	got, err := (&migstore.Store{Client: cl, Key: key}).Load(t.Context(), domain)
	if err != nil || !got.Paused || got.ID() != s.ID() {
		t.Fatalf("loaded %+v %v", got, err)
	}
	m := &v1alpha1.MigrationResource{}
	if err := cl.Get(t.Context(), key, m); err != nil {
		t.Fatal(err)
	}
	if m.Status.Stage != "preview" || !m.Status.Paused || m.Status.Holder != "me" || m.Status.MigrationID != s.ID() {
		t.Errorf("summary %+v", m.Status)
	}
}

func TestAnotherWritersStateIsNeverOverwritten(t *testing.T) {
	cl, key := setup(t)
	mine := &migstore.Store{Client: cl, Key: key}
	s := started()
	if err := mine.Save(t.Context(), s); err != nil {
		t.Fatal(err)
	}
	// Someone else (a second runner, split brain) saves another state.
	m := &v1alpha1.MigrationResource{}
	if err := cl.Get(t.Context(), key, m); err != nil {
		t.Fatal(err)
	}
	m.Status.State = &runtime.RawExtension{Raw: []byte(`{"stage":"shift"}`)}
	if err := cl.UpdateStatus(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	s.Paused = true
	if err := mine.Save(t.Context(), s); !errors.Is(err, migstore.ErrOverwritten) {
		t.Fatalf("save over another state: %v, want ErrOverwritten", err)
	}
}
