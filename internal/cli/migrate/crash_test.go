package migrate_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/cli/clitest"
	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/adminclient"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/migratetest"
	"ferry.dev/ferry/internal/migrate/store"
)

// killPoint is where a run of "ferry migrate start" is killed: right after
// its stderr shows the nth line containing match.
type killPoint struct {
	match string
	nth   int
}

// TestSIGKILLAtEveryStage kills the real ferry binary, migrating a domain
// held by a real "ferry dns serve", with SIGKILL at every stage of a migration (and right after each DNS change, before the engine
// has recorded it), restarts it, and checks that DNS was consistent with
// the saved state at every kill and that the migration finished with every
// step taken exactly once.
func TestSIGKILLAtEveryStage(t *testing.T) {
	bin := clitest.Build(t)
	env := newCrashEnv(t, bin)
	points := []killPoint{
		{"preview: pointing", 1}, {"parity: both sides", 1}, {"shift: adopting", 1},
		{"adopted the record", 1}, {"step 1/3", 1}, {"step 2/3", 1}, {"step 3/3", 1},
		{"cutover: removing", 1}, {"drain: legacy record removed", 1},
	}
	for n := 1; n <= 6; n++ { // after each DNS change, before it is recorded
		points = append(points, killPoint{"DNS changed", n})
	}
	for i, kp := range points {
		t.Run(fmt.Sprintf("%s#%d", strings.ReplaceAll(kp.match, " ", "-"), kp.nth), func(t *testing.T) {
			t.Parallel()
			env.run(t, bin, i, kp)
		})
	}
}

// crashEnv is a real "ferry dns serve" process (its admin API on
// loopback, reached with the admin client) and a legacy and a cluster HTTP
// backend sharing one port on 127.0.0.2 and 127.0.0.3.
type crashEnv struct {
	dns       *adminclient.Client
	adminURL  string
	tokenFile string
	port      int
}

func newCrashEnv(t *testing.T, bin string) *crashEnv {
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "dns.token")
	if err := os.WriteFile(tokenFile, []byte("crash-test-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), bin, "dns", "serve", "--zone", "crash.test", "--data", filepath.Join(dir, "dns"),
		"--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--token-file", tokenFile)
	lines := stderrLines(t, cmd)
	adminURL := ""
	for l := range lines {
		if _, rest, ok := strings.Cut(l, " admin="); ok && strings.Contains(l, "serving DNS") {
			adminURL, _, _ = strings.Cut(rest, " ")
			break
		}
	}
	if adminURL == "" {
		t.Fatal("ferry dns serve ended without serving")
	}
	go func() {
		for range lines { // keep draining the server's log
		}
	}()
	c, err := adminclient.New(adminURL, "crash-test-token", nil)
	if err != nil {
		t.Fatal(err)
	}
	return &crashEnv{dns: c, adminURL: adminURL, tokenFile: tokenFile, port: sharedPortBackends(t)}
}

func sharedPortBackends(t *testing.T) int {
	return migratetest.ServePair(t, "127.0.0.2", migratetest.OK, migratetest.OK)
}

// crashFile's gates allow a 2 s p99: the test is about crashes, and on a
// loaded machine loopback probes pass the 200 ms default now and then.
const crashFile = `apiVersion: ferry.dev/v1alpha1
kind: Services
migration:
  dns: {provider: ferry, server: "%s", tokenFile: "%s"}
  ttl: 1s
  steps: [10, 50, 100]
  hold: 700ms
  gates: {interval: 100ms, window: 1s, minRequests: 2, p99Latency: 2s}
  drain: {ttlMultiple: 1}
services:
  api:
    image: registry.example.com/api:1
    port: 8080
    domain: %s
    health: /healthz
    previewDomain: %s
    legacy: {address: 127.0.0.2, port: %d}
    cluster: {address: 127.0.0.3, port: %d}
`

func (e *crashEnv) run(t *testing.T, bin string, i int, kp killPoint) {
	domain := fmt.Sprintf("api%d.crash.test", i)
	dir := t.TempDir()
	file := filepath.Join(dir, "ferry.yaml")
	body := fmt.Sprintf(crashFile, e.adminURL, e.tokenFile, domain, "preview-"+domain, e.port, e.port)
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	original := dns.RecordSet{Name: domain + ".", Type: dns.TypeA, TTL: 1,
		Sets: []dns.WeightedSet{{ID: "default", Weight: 1, Values: []string{"127.0.0.2"}}}}
	if err := e.dns.Replace(t.Context(), original, dns.Always()); err != nil {
		t.Fatal(err)
	}
	st := &store.File{Dir: filepath.Join(dir, ".ferry")}
	if code := startAndKill(t, bin, file, kp); code == 0 {
		t.Fatalf("ferry migrate start finished before reaching %q #%d", kp.match, kp.nth)
	}
	e.checkConsistent(t, st, domain)
	for attempt := 0; ; attempt++ {
		if attempt == 3 {
			t.Fatal("ferry migrate start did not finish after 3 restarts")
		}
		if code := startAndKill(t, bin, file, killPoint{}); code == 0 {
			break
		}
	}
	final, err := st.Load(t.Context(), domain)
	if err != nil {
		t.Fatal(err)
	}
	checkFinished(t, final)
	rs, err := e.dns.Get(t.Context(), domain+".", dns.TypeA)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]int{"cluster": 100}, rs.Weights()); d != "" {
		t.Errorf("DNS after the migration (-want +got):\n%s", d)
	}
}

// startAndKill runs "ferry migrate start api" and, when kp is set, kills it
// with SIGKILL right after the matching stderr line. It returns the exit
// status (-1 when killed).
func startAndKill(t *testing.T, bin, file string, kp killPoint) int {
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "migrate", "start", "api", "-f", file)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	seen := 0
	var log strings.Builder
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		log.WriteString(sc.Text() + "\n")
		if kp.match != "" && strings.Contains(sc.Text(), kp.match) {
			if seen++; seen == kp.nth {
				if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
				break
			}
		}
	}
	io.Copy(io.Discard, stderr) //nolint:errcheck // drain until exit
	err = cmd.Wait()
	if ctx.Err() != nil {
		t.Fatalf("ferry migrate start hung:\n%s", log.String())
	}
	if err != nil && kp.match == "" {
		t.Logf("ferry migrate start: %v\n%s", err, log.String())
	}
	return cmd.ProcessState.ExitCode()
}

// checkConsistent asserts that DNS, at the moment of the kill, holds either
// what the saved state says is in effect or what one of its pending
// actions writes: the state was saved before every change.
func (e *crashEnv) checkConsistent(t *testing.T, st *store.File, domain string) {
	s, err := st.Load(t.Context(), domain)
	if err != nil {
		t.Fatalf("no state saved before the kill: %v", err)
	}
	t.Logf("killed at stage %s, weights %s, %d pending", s.Stage, s.Weights, len(s.Pending))
	rs, err := e.dns.Get(t.Context(), domain+".", dns.TypeA)
	if err != nil {
		t.Fatal(err)
	}
	got := rs.Weights()
	allowed := []map[string]int{confirmed(s)}
	for _, a := range s.Pending {
		if a.Kind != migrate.PointPreview && a.Kind != migrate.RunParity {
			allowed = append(allowed, migrate.RecordFor(s.Config, a.Kind, a.Weights).Weights())
		}
	}
	for _, w := range allowed {
		if maps.Equal(w, got) {
			return
		}
	}
	t.Errorf("after the kill at stage %s (weights %s, pending %+v) DNS holds %v; want one of %v", s.Stage, s.Weights, s.Pending, got, allowed)
}

// confirmed is the domain's weighted sets as the state says they are.
func confirmed(s migrate.State) map[string]int {
	switch {
	case s.Stage == migrate.StageDrain || s.Stage == migrate.StageDone:
		return map[string]int{"cluster": 100}
	case s.Stage == migrate.StagePreview || s.Stage == migrate.StagePending,
		s.Stage == migrate.StageShift && !adopted(s):
		return map[string]int{"default": 1} // the record as it was
	}
	return map[string]int{"legacy": s.Weights.Legacy, "cluster": s.Weights.Cluster}
}

func adopted(s migrate.State) bool {
	for _, e := range s.Timeline {
		if strings.HasPrefix(e.Message, "adopted the record") {
			return true
		}
	}
	return false
}

// checkFinished asserts the migration ended done with every stage entered
// and every step taken exactly once, in order.
func checkFinished(t *testing.T, s migrate.State) {
	t.Helper()
	if s.Stage != migrate.StageDone {
		t.Fatalf("final stage %s (%s), want done", s.Stage, s.Reason)
	}
	var stages []migrate.Stage
	var steps []int
	for _, e := range s.Timeline {
		switch {
		case e.Kind == "stage":
			stages = append(stages, e.Stage)
		case e.Kind == "step" && strings.HasPrefix(e.Message, "step "):
			steps = append(steps, e.Weights.Cluster)
		}
	}
	want := []migrate.Stage{migrate.StagePreview, migrate.StageShift, migrate.StageCutover, migrate.StageDrain, migrate.StageDone}
	if d := cmp.Diff(want, stages); d != "" {
		t.Errorf("stages entered (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]int{10, 50, 100}, steps); d != "" {
		t.Errorf("steps taken (-want +got):\n%s", d)
	}
}

// TestSIGKILLWhileRollingBack kills "ferry migrate start" with SIGKILL
// during an operator's rollback from step 1: right after the rollback is
// decided (saved, restore not yet sent), and right after legacy's restore
// reached DNS but before it was recorded. DNS must match the saved state
// at the kill, and a restarted start must finish the rollback, deciding it
// once and ending with legacy at 100%.
func TestSIGKILLWhileRollingBack(t *testing.T) {
	bin := clitest.Build(t)
	env := newCrashEnv(t, bin)
	for i, kp := range []killPoint{{"rolling back:", 1}, {"action=restore-legacy", 1}} {
		t.Run(strings.ReplaceAll(kp.match, " ", "-"), func(t *testing.T) {
			t.Parallel()
			env.killWhileRollingBack(t, bin, i, kp)
		})
	}
}

// rollBackAndKill starts a migration of domain, promotes it to its first
// step, asks for a rollback and kills ferry with SIGKILL right after the
// stderr line kp matches; it returns the state saved at the kill.
func (e *crashEnv) rollBackAndKill(t *testing.T, bin, domain string, kp killPoint) (*store.File, string, string, migrate.State) {
	dir := t.TempDir()
	file := filepath.Join(dir, "ferry.yaml")
	body := strings.Replace(fmt.Sprintf(crashFile, e.adminURL, e.tokenFile, domain, "preview-"+domain, e.port, e.port),
		"hold: 700ms", "hold: 10m", 1)
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	original := dns.RecordSet{Name: domain + ".", Type: dns.TypeA, TTL: 1,
		Sets: []dns.WeightedSet{{ID: "default", Weight: 1, Values: []string{"127.0.0.2"}}}}
	if err := e.dns.Replace(t.Context(), original, dns.Always()); err != nil {
		t.Fatal(err)
	}
	st := &store.File{Dir: filepath.Join(dir, ".ferry")}
	send := func(kind migrate.CommandKind) {
		s, err := st.Load(t.Context(), domain)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Send(domain, s.ID(), kind); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.CommandContext(t.Context(), bin, "migrate", "start", "api", "-f", file)
	lines := stderrLines(t, cmd)
	waitFor(t, lines, "parity: both sides", "cluster gate pass")
	send(migrate.Promote)
	waitFor(t, lines, "step 1/3")
	send(migrate.Rollback)
	waitFor(t, lines, kp.match)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	s, err := st.Load(t.Context(), domain)
	if err != nil {
		t.Fatalf("no state saved before the kill: %v", err)
	}
	return st, domain, file, s
}

func (e *crashEnv) killWhileRollingBack(t *testing.T, bin string, i int, kp killPoint) {
	// SIGKILL lands a moment after the line that triggers it; on a busy
	// machine the rollback may have finished by then, and that run tests
	// nothing: it is tried again on a fresh domain.
	var st *store.File
	var domain, file string
	for attempt := 0; ; attempt++ {
		if attempt == 5 {
			t.Fatalf("in 5 runs the kill after %q never landed before the rollback finished", kp.match)
		}
		var s migrate.State
		st, domain, file, s = e.rollBackAndKill(t, bin, fmt.Sprintf("api-rb%d-%d.crash.test", i, attempt), kp)
		if s.Stage != migrate.StageRolledBack {
			break
		}
		t.Logf("run %d: the kill landed after the rollback finished; again", attempt+1)
	}
	e.checkConsistent(t, st, domain)

	if code := startAndKill(t, bin, file, killPoint{}); code != 0 {
		t.Fatalf("restarted start: exit %d, want 0 (rolled back as the operator asked)", code)
	}
	final, err := st.Load(t.Context(), domain)
	if err != nil {
		t.Fatal(err)
	}
	if final.Stage != migrate.StageRolledBack || final.Reason != migrate.ReasonOperatorRollback {
		t.Fatalf("final stage %s (%q), want rolled-back by the operator", final.Stage, final.Reason)
	}
	decided, done := 0, 0
	for _, ev := range final.Timeline {
		switch {
		case strings.HasPrefix(ev.Message, "rolling back:"):
			decided++
		case strings.HasPrefix(ev.Message, "rolled back:"):
			done++
		}
	}
	if decided != 1 || done != 1 {
		t.Errorf("timeline has %d rollback decisions and %d completions, want 1 each", decided, done)
	}
	rs, err := e.dns.Get(t.Context(), domain+".", dns.TypeA)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]int{"legacy": 100}, rs.Weights()); d != "" {
		t.Errorf("DNS after the rollback (-want +got):\n%s", d)
	}
}
