package migrate_test

import (
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/server"
	"ferry.dev/ferry/internal/dns/server/servertest"
	"ferry.dev/ferry/internal/migrate"
)

// TestPartialFailuresRollBack switches the cluster, right after its first
// step took effect, to failing a share of requests (one bad pod behind a
// round-robin balancer, or random errors) or to answering slowly: the gates
// judge their window, so each is rolled back, never promoted while
// failing, within gates.failures evaluations of the failure.
func TestPartialFailuresRollBack(t *testing.T) {
	for name, m := range map[string]mode{
		"one-in-two": failEverySecond, "one-in-three": failEveryThird, "random-20pct": failRandom20, "slow-but-200": slow200,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newFaultEnvOn(t, name, "1s", "200ms", servertest.Start(t, "fault.test"))
			done := e.start(t.Context())
			e.waitState(t, stepped)
			from := time.Now()
			e.cluster.set(m)
			r := <-done
			checkExit(t, "start", r.code, r.msg, 1, "the migration ended rolled-back", "cluster gate failed 3 evaluations in a row")
			s := e.state(t)
			var decided time.Time
			for _, ev := range s.Timeline {
				if ev.At.After(from) && ev.Kind == migrate.EventStep && ev.Weights.Cluster > 10 {
					t.Errorf("promoted while failing: %s", ev.Message)
				}
				if ev.Stage == migrate.StageRollingBack && decided.IsZero() {
					decided = ev.At
				}
			}
			batch := migrate.BatchSize(s.Config.Gates)
			if bad, most := e.cluster.badProbesBetween(from, decided), (s.Config.Gates.Failures+1)*batch; bad > most {
				t.Errorf("%d bad probes before the rollback decision, want at most %d (%d evaluations of %d probes, and the batch the failure began in)",
					bad, most, s.Config.Gates.Failures, batch)
			}
			if d := cmp.Diff(map[string]int{"legacy": 100}, e.record(t)); d != "" {
				t.Errorf("DNS after the rollback (-want +got):\n%s", d)
			}
		})
	}
}

// TestLegacyFailingAlerts: legacy failing raises an alert (timeline,
// status) and is never rolled back onto; the shift away from it goes on.
func TestLegacyFailingAlerts(t *testing.T) {
	t.Parallel()
	e := newFaultEnv(t, "legacy-down", "1s")
	done := e.start(t.Context())
	e.waitState(t, stepped)
	e.legacy.set(down)
	e.waitState(t, func(s migrate.State) bool { return s.LegacyAlert != "" })
	code, msg := migrateCmd(t.Context(), "-f", e.file, "status", "api")
	checkExit(t, "status", code, msg, 0, "ALERT:", "legacy fails its gate")
	e.waitState(t, func(s migrate.State) bool { return s.Weights.Cluster >= 50 })
	e.legacy.set(healthy)
	r := <-done
	checkExit(t, "start", r.code, r.msg, 0, "done: legacy has drained")
	if s := e.state(t); !timelineSays(s, "ALERT: legacy fails its gate") || !timelineSays(s, "legacy passes its gate again") {
		t.Errorf("timeline lacks the legacy alert and its end:\n%v", s.Timeline)
	}
}

// TestBothFailingPauses: both sides failing pauses with an alert instead of
// rolling back onto a broken legacy; the operator's rollback then ends it,
// and start exits 1 because legacy is still failing.
func TestBothFailingPauses(t *testing.T) {
	t.Parallel()
	e := newFaultEnv(t, "both-down", "1s")
	done := e.start(t.Context())
	e.waitState(t, stepped)
	e.legacy.set(down)
	e.cluster.set(down)
	// The pause needs legacy's latest evaluation failing, the legacy alert
	// (which makes start exit 1) gates.failures of them: the rollback waits
	// for both, or a pause one evaluation ahead of legacy's third ends
	// "rolled back as asked".
	s := e.waitState(t, func(s migrate.State) bool {
		return s.Paused && strings.Contains(s.Reason, "both sides fail") && s.LegacyAlert != ""
	})
	if s.Stage != migrate.StageShift || e.record(t)["cluster"] != 10 {
		t.Fatalf("stage %s, DNS %v: want paused in shift at 10%%, nothing rolled back", s.Stage, e.record(t))
	}
	code, msg := migrateCmd(t.Context(), "-f", e.file, "rollback", "api")
	checkExit(t, "rollback", code, msg, 0, "applied rollback")
	r := <-done
	checkExit(t, "start", r.code, r.msg, 1, "ended rolled-back with legacy failing")
	if d := cmp.Diff(map[string]int{"legacy": 100}, e.record(t)); d != "" {
		t.Errorf("DNS after the rollback (-want +got):\n%s", d)
	}
}

// handEdit changes the domain's record as an operator's `ferry dns set`
// would, behind the migration's back.
func (e *faultEnv) handEdit(t *testing.T, sets ...dns.WeightedSet) dns.RecordSet {
	t.Helper()
	rs := dns.RecordSet{Name: e.domain + ".", Type: dns.TypeA, TTL: 1, Sets: sets}
	if err := servertest.Client(t, e.srv).Replace(t.Context(), rs, dns.Always()); err != nil {
		t.Fatal(err)
	}
	got, err := e.srv.Get(t.Context(), rs.Name, rs.Type)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestHandEditDuringPreview: a record changed by hand before it is adopted
// is found, reported with both versions and left as it is; a rollback then
// ends the migration without touching it.
func TestHandEditDuringPreview(t *testing.T) {
	t.Parallel()
	e := newFaultEnv(t, "edit-preview", "1h")
	done := e.start(t.Context())
	e.waitState(t, func(s migrate.State) bool { return s.Parity.OK() })
	edited := e.handEdit(t, dns.WeightedSet{ID: "default", Weight: 1, Values: []string{"127.0.0.9"}})
	r := <-done
	checkExit(t, "start", r.code, r.msg, 1, "ALERT:", "changed outside this migration", "127.0.0.9")
	code, msg := migrateCmd(t.Context(), "-f", e.file, "status", "api")
	checkExit(t, "status", code, msg, 0, "DRIFT", "was:", "now:", "127.0.0.9")
	code, msg = migrateCmd(t.Context(), "-f", e.file, "rollback", "api")
	checkExit(t, "rollback", code, msg, 0, "the domain was never changed")
	if got, _ := e.srv.Get(t.Context(), edited.Name, edited.Type); !got.Equal(edited) {
		t.Errorf("the hand edit was overwritten: %v", got)
	}
}

// TestHandEditDuringShift: an emergency `legacy=100` mid-shift is found
// and not overwritten by the next step; resume continues from it (the
// weights read back, the first step next), and rollback ends it.
func TestHandEditDuringShift(t *testing.T) {
	t.Parallel()
	e := newFaultEnv(t, "edit-shift", "1s")
	done := e.start(t.Context())
	e.waitState(t, stepped)
	e.handEdit(t, dns.WeightedSet{ID: "legacy", Weight: 100, Values: []string{"127.0.0.2"}},
		dns.WeightedSet{ID: "cluster", Weight: 0, Values: []string{"127.0.0.3"}})
	r := <-done
	checkExit(t, "start", r.code, r.msg, 1, "ALERT:", "changed outside this migration")
	if d := cmp.Diff(map[string]int{"legacy": 100, "cluster": 0}, e.record(t)); d != "" {
		t.Fatalf("the hand edit was overwritten (-want +got):\n%s", d)
	}
	resumed := runAsync(t.Context(), "-f", e.file, "resume", "api")
	s := e.waitState(t, func(s migrate.State) bool { return s.Drift == nil && s.Weights.Cluster == 10 })
	if !timelineSays(s, "resumed by operator") {
		t.Errorf("timeline lacks the resume: %v", s.Timeline)
	}
	code, msg := migrateCmd(t.Context(), "-f", e.file, "rollback", "api")
	checkExit(t, "rollback", code, msg, 0, "applied rollback")
	r = <-resumed
	checkExit(t, "resume", r.code, r.msg, 0, "carrying out resume here", "rolled back as asked")
}

// TestSecondStartRefused: a second start of the same domain from another
// directory (another state store) is refused, naming the holder of the
// ownership lease.
func TestSecondStartRefused(t *testing.T) {
	t.Parallel()
	e := newFaultEnv(t, "two-starts", "1h")
	done := e.start(t.Context())
	e.waitState(t, func(s migrate.State) bool { return s.Stage == migrate.StagePreview })
	data, err := os.ReadFile(e.file)
	if err != nil {
		t.Fatal(err)
	}
	other := writeFile(t, filepath.Join(t.TempDir(), "ferry.yaml"), string(data))
	code, msg := migrateCmd(t.Context(), "-f", other, "start", "api")
	checkExit(t, "second start", code, msg, 1, "is being migrated by", "ferry migrate start api", "--force")
	code, msg = migrateCmd(t.Context(), "-f", e.file, "abort", "api")
	checkExit(t, "abort", code, msg, 0, "applied abort")
	<-done
}

// TestProviderOutagePauses: the DNS server goes away mid-shift for longer
// than dns.retryFor (2s): the step is retried, then the migration pauses
// with the state intact and exits with the alert, never rolling back;
// with the server back, resume carries it on to the end.
func TestProviderOutagePauses(t *testing.T) {
	t.Parallel()
	cfg := server.Config{Zones: []server.Zone{server.DefaultZone("fault.test")}, DataDir: t.TempDir(),
		DNSAddr: "127.0.0.1:0", AdminAddr: freeAddr(t), Token: servertest.Token, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	srv := startServer(t, cfg)
	e := newFaultEnvOn(t, "outage", "1s", "1s", srv)

	done := e.start(t.Context())
	e.waitState(t, stepped)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	r := <-done
	checkExit(t, "start", r.code, r.msg, 1, "ALERT: the DNS provider has failed", "resume tries again")
	s := e.state(t)
	if s.Stage != migrate.StageShift || s.Weights.Cluster != 10 || len(s.Pending) != 1 || s.Retrying == nil {
		t.Fatalf("after the outage: stage %s weights %s pending %d retrying %v; want shift at 10%% with the step pending", s.Stage, s.Weights, len(s.Pending), s.Retrying)
	}
	e.srv = startServer(t, cfg)
	code, msg := migrateCmd(t.Context(), "-f", e.file, "resume", "api")
	checkExit(t, "resume", code, msg, 0, "carrying out resume here", "done: legacy has drained")
}

func startServer(t *testing.T, cfg server.Config) *server.Server {
	t.Helper()
	srv, err := server.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() }) // the outage test closes it first
	return srv
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
