package store

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/migratetest"
)

func newStore(t *testing.T) *File {
	t.Helper()
	f, err := NewFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestSaveLoad(t *testing.T) {
	f := newStore(t)
	if _, err := f.Load(t.Context(), "api.example.test"); !errors.Is(err, migrate.ErrNoState) {
		t.Fatalf("Load before Save = %v, want ErrNoState", err)
	}
	s := migrate.NewState(migratetest.Config("api.example.test", "192.0.2.1", "192.0.2.2"))
	s, _ = migrate.Step(s, migrate.Start{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	for range 2 { // the second Save replaces the first
		if err := f.Save(t.Context(), s); err != nil {
			t.Fatal(err)
		}
	}
	got, err := f.Load(t.Context(), "API.example.test.")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(s, got); d != "" {
		t.Errorf("Load after Save (-saved +loaded):\n%s", d)
	}
	entries, _ := os.ReadDir(f.Dir)
	if len(entries) != 1 {
		t.Errorf("state directory holds %d entries, want only the state file (no temporary left)", len(entries))
	}
}

func TestLockRefusesSecondHolderByName(t *testing.T) {
	f := newStore(t)
	host, _ := os.Hostname()
	me := Holder{PID: os.Getpid(), Host: host, Started: time.Now(), Command: "ferry migrate start api"}
	l, err := f.Lock("api.example.test", me)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Lock("api.example.test", Holder{PID: os.Getpid() + 1, Host: host, Command: "second"})
	var locked *LockedError
	if !errors.As(err, &locked) {
		t.Fatalf("second Lock = %v, want *LockedError", err)
	}
	if locked.Holder.PID != me.PID || !strings.Contains(err.Error(), "ferry migrate start api") {
		t.Errorf("error %q does not name the holder %v", err, me)
	}
	if h, ok := f.Holder("api.example.test"); !ok || h.PID != me.PID {
		t.Errorf("Holder() = %v, %v; want %v", h, ok, me)
	}
	if err := l.Unlock(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Lock("api.example.test", me); err != nil {
		t.Errorf("Lock after Unlock = %v", err)
	}
}

// TestLockFreedWhenHolderIsKilled: a holder killed with SIGKILL leaves its
// lock free at once (the kernel drops the flock), with no pid to judge.
func TestLockFreedWhenHolderIsKilled(t *testing.T) {
	f := newStore(t)
	cmd := exec.CommandContext(t.Context(), os.Args[0])
	cmd.Env = append(os.Environ(), "FERRY_LOCK_HELPER_DIR="+f.Dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "locked") {
		t.Fatalf("helper said %q, %v; want locked", line, err)
	}
	host, _ := os.Hostname()
	_, err = f.Lock("api.example.test", Holder{PID: os.Getpid(), Host: host})
	var locked *LockedError
	if !errors.As(err, &locked) || locked.Holder.PID != cmd.Process.Pid {
		t.Fatalf("Lock while the helper holds it = %v, want *LockedError naming pid %d", err, cmd.Process.Pid)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait() // reaped: the kernel has closed its files
	if _, ok := f.Holder("api.example.test"); ok {
		t.Error("Holder() reports a killed process as holding the lock")
	}
	if _, err := f.Lock("api.example.test", Holder{PID: os.Getpid(), Host: host}); err != nil {
		t.Errorf("Lock after the holder was killed = %v, want it free at once", err)
	}
}

// TestMain doubles as the lock holder TestLockFreedWhenHolderIsKilled
// starts: with FERRY_LOCK_HELPER_DIR set, the test binary takes the lock,
// says so, and holds it until it is killed.
func TestMain(m *testing.M) {
	if dir := os.Getenv("FERRY_LOCK_HELPER_DIR"); dir != "" {
		os.Exit(holdLock(dir))
	}
	os.Exit(m.Run())
}

func holdLock(dir string) int {
	host, _ := os.Hostname()
	if _, err := (&File{Dir: dir}).Lock("api.example.test", Holder{PID: os.Getpid(), Host: host, Command: "helper"}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("locked")
	time.Sleep(time.Minute) // bounded: the test kills it long before
	return 0
}

// TestLockRace: goroutines racing for one domain's lock (each with its own
// open file, as separate processes have) never both get it.
func TestLockRace(t *testing.T) {
	f := newStore(t)
	host, _ := os.Hostname()
	const racers = 8
	for round := range 200 {
		var (
			wg    sync.WaitGroup
			mu    sync.Mutex
			held  []*Lock
			other []error
		)
		for i := range racers {
			wg.Go(func() {
				l, err := f.Lock("api.example.test", Holder{PID: 1000 + i, Host: host, Started: time.Now(), Command: "racer"})
				mu.Lock()
				defer mu.Unlock()
				var locked *LockedError
				switch {
				case err == nil:
					held = append(held, l)
				case !errors.As(err, &locked):
					other = append(other, err)
				}
			})
		}
		wg.Wait()
		if len(held) != 1 || len(other) > 0 {
			t.Fatalf("round %d: %d holders (want 1), unexpected errors %v", round, len(held), other)
		}
		if err := held[0].Unlock(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCommandsInOrder(t *testing.T) {
	f := newStore(t)
	for _, k := range []migrate.CommandKind{migrate.Pause, migrate.Resume, migrate.Promote} {
		if _, err := f.Send("api.example.test", "run-1", k); err != nil {
			t.Fatal(err)
		}
	}
	qs, err := f.Pending("api.example.test")
	if err != nil {
		t.Fatal(err)
	}
	var got []migrate.CommandKind
	for _, q := range qs {
		got = append(got, q.Kind)
		if q.Migration != "run-1" {
			t.Errorf("%s sent to migration %q, want run-1", q.Kind, q.Migration)
		}
		if err := q.Ack(); err != nil {
			t.Fatal(err)
		}
	}
	if d := cmp.Diff([]migrate.CommandKind{migrate.Pause, migrate.Resume, migrate.Promote}, got); d != "" {
		t.Errorf("commands (-want +got):\n%s", d)
	}
	if qs, _ := f.Pending("api.example.test"); len(qs) != 0 {
		t.Errorf("%d commands left after Ack", len(qs))
	}
}
