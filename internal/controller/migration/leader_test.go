package migration_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/clientcmd"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/controller"
	"ferry.dev/ferry/internal/dns/lease"
	"ferry.dev/ferry/internal/dns/providers"
	"ferry.dev/ferry/internal/migrate"
)

// helperEnv makes the test binary a controller replica (runHelper)
// instead of running tests: the two-replica test starts two of them.
const helperEnv = "FERRY_TEST_CONTROLLER_REPLICA"

// runHelper runs a controller replica with leader election, configured
// by the environment, until it is killed.
func runHelper() int {
	cfg, err := clientcmd.BuildConfigFromFlags("", os.Getenv("FERRY_TEST_KUBECONFIG_FILE"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	err = controller.Run(context.Background(), controller.Options{
		Config: cfg, Namespace: os.Getenv("FERRY_TEST_LEASE_NAMESPACE"), Identity: os.Getenv(helperEnv),
		LeaderElection: true, LeaseDuration: 4 * time.Second, RenewDeadline: 3 * time.Second, RetryPeriod: 500 * time.Millisecond,
		Providers: providers.Registry(), Logger: slog.New(slog.NewTextHandler(os.Stderr, nil)),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// replica starts a controller replica process named identity.
func (e *env) replica(t *testing.T, identity string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+identity,
		"FERRY_TEST_KUBECONFIG_FILE="+e.c.Kubeconfig, "FERRY_TEST_LEASE_NAMESPACE="+e.ns)
	log, err := os.Create(t.TempDir() + "/" + identity + ".log")
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			data, _ := os.ReadFile(log.Name())
			t.Logf("log of replica %s:\n%s", identity, data)
		}
	})
	return cmd
}

// leader is the holder of the leader election Lease ("" when none).
func (e *env) leader(t *testing.T) string {
	t.Helper()
	l := &coordinationv1.Lease{}
	if err := e.cl.Get(t.Context(), types.NamespacedName{Namespace: e.ns, Name: controller.LeaseName}, l); err != nil || l.Spec.HolderIdentity == nil {
		return ""
	}
	return *l.Spec.HolderIdentity
}

func (e *env) awaitLeader(t *testing.T, prefix string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute) // liveness, not speed
	defer cancel()
	for !strings.HasPrefix(e.leader(t), prefix) {
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s to lead: %v (leader %q)", prefix, ctx.Err(), e.leader(t))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func TestKilledLeaderIsReplacedAndTheMigrationResumesWithoutRepeatingAStep(t *testing.T) {
	e := newEnv(t, "kill")
	a := e.replica(t, "replica-a")
	e.awaitLeader(t, "replica-a")
	e.replica(t, "replica-b")
	if err := e.cl.Create(t.Context(), e.migration("api", "3s", "auto")); err != nil {
		t.Fatal(err)
	}
	e.await(t, "api", "the shift at 10%", func(m *v1alpha1.MigrationResource) bool {
		return m.Status.Stage == string(migrate.StageShift) && m.Status.Weights != nil && m.Status.Weights.Cluster == 10
	})
	if err := a.Process.Kill(); err != nil { // SIGKILL: no lease released, nothing saved
		t.Fatal(err)
	}
	_ = a.Wait()
	e.awaitLeader(t, "replica-b")
	took := e.await(t, "api", "replica-b running it", func(m *v1alpha1.MigrationResource) bool {
		return m.Status.Holder == "replica-b"
	})
	if took.Status.Stage != string(migrate.StageShift) {
		t.Logf("replica-b took over at stage %s", took.Status.Stage)
	}
	l, ok, err := lease.Read(t.Context(), e.srv, e.domain)
	if err != nil || !ok || !strings.HasPrefix(l.Holder, "replica-b") {
		t.Errorf("ownership lease after the takeover: %+v %t %v, want held by replica-b", l, ok, err)
	}
	m := e.await(t, "api", "stage done", func(m *v1alpha1.MigrationResource) bool { return m.Status.Stage == string(migrate.StageDone) })
	if got, want := stepWeights(t, m), []int{0, 10, 50, 100}; !slices.Equal(got, want) {
		t.Errorf("shift steps %v, want %v: none repeated or skipped", got, want)
	}
	// The lease is released after the done state is saved: wait for it,
	// bounded like await.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		_, held, err := lease.Read(t.Context(), e.srv, e.domain)
		if err == nil && !held {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the ownership lease is still there two minutes after done (%v)", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
