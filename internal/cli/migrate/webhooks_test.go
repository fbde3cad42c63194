package migrate_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"

	"ferry.dev/ferry/internal/migrate"
)

// switchHook is a webhook receiver on loopback answering code until the
// test flips it to 200; it counts calls and checks the shared secret.
type switchHook struct {
	code      atomic.Int32
	calls     atomic.Int32
	badSecret atomic.Int32
}

func newSwitchHook(t *testing.T, code int) (*switchHook, string) {
	h := &switchHook{}
	h.code.Store(int32(code))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.calls.Add(1)
		if r.Header.Get("X-Ferry-Secret") != "s3cret" {
			h.badSecret.Add(1)
		}
		w.WriteHeader(int(h.code.Load()))
		fmt.Fprint(w, http.StatusText(int(h.code.Load())))
	}))
	t.Cleanup(srv.Close)
	return h, srv.URL
}

// TestConfirmStepHoldsThenContinues: a confirm-step webhook answering 403
// holds the migration at its step, however long; once it answers 200 the
// migration goes on to done.
func TestConfirmStepHoldsThenContinues(t *testing.T) {
	t.Parallel()
	hook, url := newSwitchHook(t, http.StatusForbidden)
	secret := writeFile(t, filepath.Join(t.TempDir(), "secret"), "s3cret\n")
	extra := fmt.Sprintf("  webhooks:\n    - {name: approve, type: confirm-step, url: %q, secretFile: %q}\n", url, secret)
	e := newMetricEnv(t, "confirm", "1s", prom, extra)
	done := e.start(t.Context())
	e.waitState(t, func(s migrate.State) bool { return s.Hooks.Held != "" })
	asked := hook.calls.Load()
	e.waitState(t, func(migrate.State) bool { return hook.calls.Load() >= asked+3 })
	if s := e.state(t); s.Weights.Cluster != 10 || e.record(t)["cluster"] != 10 {
		t.Fatalf("weights %s, DNS %v while the confirm-step webhook says 403: want held at the first step", s.Weights, e.record(t))
	}
	hook.code.Store(http.StatusOK)
	r := <-done
	checkExit(t, "start", r.code, r.msg, 0, "done: legacy has drained")
	if s := e.state(t); !timelineSays(s, "held by the confirm-step webhook: webhook approve answered 403: Forbidden") ||
		!timelineSays(s, "confirm-step webhooks allow leaving step 1") {
		t.Errorf("timeline lacks the hold and its end: %v", s.Timeline)
	}
	if n := hook.badSecret.Load(); n > 0 {
		t.Errorf("%d calls without the shared secret", n)
	}
}

// TestRollbackWebhookRollsBack: a rollback webhook that starts answering
// 200 rolls the migration back, and the reason names it.
func TestRollbackWebhookRollsBack(t *testing.T) {
	t.Parallel()
	hook, url := newSwitchHook(t, http.StatusNotFound)
	secret := writeFile(t, filepath.Join(t.TempDir(), "secret"), "s3cret")
	extra := fmt.Sprintf("  webhooks:\n    - {name: pager, type: rollback, url: %q, secretFile: %q}\n", url, secret)
	e := newMetricEnv(t, "hookback", "1h", prom, extra)
	done := e.start(t.Context())
	e.waitState(t, func(s migrate.State) bool { return s.Parity.OK() })
	hook.code.Store(http.StatusOK)
	r := <-done
	checkExit(t, "start", r.code, r.msg, 1, "the migration ended rolled-back", "the rollback webhook pager answered 200")
	if hook.badSecret.Load() > 0 {
		t.Errorf("calls without the shared secret")
	}
}

// TestPlanPrintsEveryGate: plan prints each metric check with its query
// and threshold, the metric gate's limits, and every webhook.
func TestPlanPrintsEveryGate(t *testing.T) {
	t.Parallel()
	extra := "  webhooks:\n    - {name: approve, type: confirm-step, url: \"http://127.0.0.1:9/approve\"}\n"
	e := newMetricEnv(t, "planned", "1s", prom, extra)
	code, msg := migrateCmd(t.Context(), "-f", e.file, "plan", e.name)
	checkExit(t, "plan", code, msg, 0,
		"metrics: from "+prom.URL+"; a check failing its failureLimit times in a row",
		`cluster success-ratio ≥ 0.99 (every 250ms, 2 failing act): sum(rate(http_requests_total{job="planned-cluster",code!~"5.."}[2s]))`,
		`legacy p99-seconds ≤ 2 (every 250ms, 2 failing act): histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job="planned-legacy"}[2s])))`,
		"webhook: approve (confirm-step) http://127.0.0.1:9/approve — holds each step until it answers 2xx")
}
