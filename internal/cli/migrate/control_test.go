package migrate_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/cli/clitest"
	"ferry.dev/ferry/internal/dns"
)

// TestLockAndControlCommands runs "ferry migrate start" with a long hold
// and checks, from a second process each time, that a second start is
// refused naming the holder, that status reports who runs it, and that
// promote and rollback reach the running migration through the state
// directory.
func TestLockAndControlCommands(t *testing.T) {
	bin := clitest.Build(t)
	env := newCrashEnv(t, bin)
	domain := "api-control.crash.test"
	dir := t.TempDir()
	file := filepath.Join(dir, "ferry.yaml")
	body := strings.Replace(fmt.Sprintf(crashFile, env.adminURL, env.tokenFile, domain, "preview."+domain, env.port, env.port),
		"hold: 700ms", "hold: 10m", 1)
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	first := exec.CommandContext(t.Context(), bin, "migrate", "start", "api", "-f", file)
	lines := stderrLines(t, first)
	// promote needs the parity check done and a fresh passing cluster gate.
	waitFor(t, lines, "parity: both sides", "cluster gate pass")

	code, _, stderr := ferry(t, bin, "migrate", "start", "api", "-f", file)
	want := "a migration of " + domain + " is already running: pid " + strconv.Itoa(first.Process.Pid)
	if code != 1 || !strings.Contains(stderr, want) {
		t.Errorf("second start: exit %d, stderr %q; want 1 and %q", code, stderr, want)
	}
	_, out, _ := ferry(t, bin, "migrate", "status", "api", "-f", file, "-o", "json")
	var st struct {
		Stage     string `json:"stage"`
		RunningBy struct {
			PID int `json:"pid"`
		} `json:"runningBy"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil || st.RunningBy.PID != first.Process.Pid || st.Stage != "preview" {
		t.Errorf("status -o json = %+v (%v), want preview run by pid %d", st, err, first.Process.Pid)
	}

	if code, _, stderr := ferry(t, bin, "migrate", "promote", "api", "-f", file); code != 0 || !strings.Contains(stderr, "applied promote") {
		t.Fatalf("promote: exit %d: %s; want 0, applied", code, stderr)
	}
	waitFor(t, lines, "step 1/3")
	if code, _, stderr := ferry(t, bin, "migrate", "rollback", "api", "-f", file); code != 0 {
		t.Fatalf("rollback: exit %d: %s", code, stderr)
	}
	waitFor(t, lines, "rolled back: legacy serves 100%")
	if err := first.Wait(); err != nil {
		t.Errorf("start after the operator's rollback: %v, want exit status 0 (rolled back as asked)", err)
	}
	rs, err := env.dns.Get(t.Context(), domain+".", dns.TypeA)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]int{"legacy": 100}, rs.Weights()); d != "" {
		t.Errorf("DNS after rollback (-want +got):\n%s", d)
	}
	_, out, _ = ferry(t, bin, "migrate", "status", "api", "-f", file)
	if !strings.Contains(out, "stage:     rolled-back") || !strings.Contains(out, "operator asked for a rollback") {
		t.Errorf("status after the rollback:\n%s", out)
	}
}

// ferry runs the binary to completion.
func ferry(t *testing.T, bin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), bin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	_ = cmd.Run()
	return cmd.ProcessState.ExitCode(), out.String(), errb.String()
}

// stderrLines starts cmd and streams its stderr lines.
func stderrLines(t *testing.T, cmd *exec.Cmd) <-chan string {
	t.Helper()
	r, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	ch := make(chan string, 1024)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			ch <- sc.Text()
		}
	}()
	return ch
}

// waitFor reads lines until each of matches has been seen, in any order.
func waitFor(t *testing.T, lines <-chan string, matches ...string) {
	t.Helper()
	timeout := time.After(30 * time.Second)
	var seen []string
	left := slices.Clone(matches)
	for len(left) > 0 {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("ferry migrate start ended before %q:\n%s", left, strings.Join(seen, "\n"))
			}
			seen = append(seen, l)
			left = slices.DeleteFunc(left, func(m string) bool { return strings.Contains(l, m) })
		case <-timeout:
			t.Fatalf("no %q within 30s:\n%s", left, strings.Join(seen, "\n"))
		}
	}
}

// TestQueuedCommandsAfterAKill kills "ferry migrate start" at step 1, then
// queues a promote (no start runs: it says so) and asks for a rollback,
// which is carried out at once: the promote queued before it is dropped,
// so traffic never moves on to step 2 on its way back to legacy.
func TestQueuedCommandsAfterAKill(t *testing.T) {
	bin := clitest.Build(t)
	env := newCrashEnv(t, bin)
	domain := "api-queued.crash.test"
	dir := t.TempDir()
	file := filepath.Join(dir, "ferry.yaml")
	body := strings.Replace(fmt.Sprintf(crashFile, env.adminURL, env.tokenFile, domain, "preview."+domain, env.port, env.port),
		"hold: 700ms", "hold: 10m", 1)
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	first := exec.CommandContext(t.Context(), bin, "migrate", "start", "api", "-f", file)
	lines := stderrLines(t, first)
	// promote needs the parity check done and a fresh passing cluster gate.
	waitFor(t, lines, "parity: both sides", "cluster gate pass")
	if code, _, stderr := ferry(t, bin, "migrate", "promote", "api", "-f", file); code != 0 {
		t.Fatalf("promote: exit %d: %s", code, stderr)
	}
	waitFor(t, lines, "step 1/3")
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()

	code, _, stderr := ferry(t, bin, "migrate", "promote", "api", "-f", file)
	if code != 0 || !strings.Contains(stderr, "queued promote: no migration is running") {
		t.Errorf("promote with no start running: exit %d, stderr %q; want 0, queued", code, stderr)
	}
	if code, _, stderr := ferry(t, bin, "migrate", "rollback", "api", "-f", file); code != 0 || !strings.Contains(stderr, "carrying out rollback here") ||
		strings.Contains(stderr, "error:") {
		t.Fatalf("rollback with no start running: exit %d: %s; want 0, rolled back as asked", code, stderr)
	}
	_, out, _ := ferry(t, bin, "migrate", "status", "api", "-f", file)
	if !strings.Contains(out, "stage:     rolled-back") || strings.Contains(out, "step 2/3") {
		t.Errorf("status after promote and rollback queued while stopped (want rolled back, never at step 2):\n%s", out)
	}
	rs, err := env.dns.Get(t.Context(), domain+".", dns.TypeA)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]int{"legacy": 100}, rs.Weights()); d != "" {
		t.Errorf("DNS after rollback (-want +got):\n%s", d)
	}
}
