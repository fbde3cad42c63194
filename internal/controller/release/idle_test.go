package release_test

import (
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"ferry.dev/ferry/api/v1alpha1"
)

// requests counts a controller's requests by "verb resource".
type requests struct {
	mu sync.Mutex
	n  map[string]int
}

func (r *requests) inc(verb, resource string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.n == nil {
		r.n = map[string]int{}
	}
	r.n[verb+" "+resource]++
}

// since is what was counted beyond before, watches left out (a watch is
// one long request the informers keep open).
func (r *requests) since(before map[string]int) map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for k, v := range r.n {
		if d := v - before[k]; d > 0 && k[:6] != "watch " {
			out[k] = d
		}
	}
	return out
}

func (r *requests) snapshot() map[string]int { return r.since(nil) }

// reconciles is how many ServiceFile reconciles controller-runtime has
// counted in this process.
func reconciles(t *testing.T) float64 {
	t.Helper()
	families, err := metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var n float64
	for _, f := range families {
		if f.GetName() != "controller_runtime_reconcile_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			if label(m, "controller") == "servicefile" {
				n += m.GetCounter().GetValue()
			}
		}
	}
	return n
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// An idle controller sends nothing: once the file is synced and healthy,
// its drift checks (one a second here, from the resync) and the
// Deployments' status changes are answered from the informer cache. The
// window is counted in reconciles, not in time.
func TestIdleControllerSendsNoRequests(t *testing.T) {
	var counted requests
	e := newCountedEnv(t, counted.inc)
	sf := e.file(map[string]*v1alpha1.Service{
		"api":    {Image: "registry.example.com/api:1", Port: ptr(8080), Replicas: ptr(2)},
		"worker": {Image: "registry.example.com/worker:1"},
	})
	if err := e.cl.Create(t.Context(), sf); err != nil {
		t.Fatal(err)
	}
	e.await(t, "synced and healthy", synced(1))
	// Let the status the controller wrote after Healthy settle: one more
	// reconcile, after which nothing is left to write.
	waitReconciles(t, 1)
	before := counted.snapshot()
	const window = 5 // reconciles, each a drift check (resync 1 s)
	waitReconciles(t, window)
	if got := counted.since(before); len(got) > 0 {
		t.Errorf("an idle controller sent requests over %d reconciles: %v", window, got)
	}
	if got := e.await(t, "still synced", synced(1)); got.Status.Sync != v1alpha1.SyncSynced {
		t.Errorf("sync %s", got.Status.Sync)
	}
}

// waitReconciles waits until n more ServiceFile reconciles have run; the
// bound is on liveness, not speed.
func waitReconciles(t *testing.T, n int) {
	t.Helper()
	start := reconciles(t)
	deadline := time.Now().Add(2 * time.Minute)
	for reconciles(t) < start+float64(n) {
		if time.Now().After(deadline) {
			t.Fatalf("fewer than %d reconciles in 2 minutes", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
