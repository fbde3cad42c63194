package store

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/migrate"
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
	s := migrate.NewState(migrate.Defaults(migrate.Config{Domain: "api.example.test", Legacy: "192.0.2.1", Cluster: "192.0.2.2"}))
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

func TestLockTakesOverFromDeadHolder(t *testing.T) {
	f := newStore(t)
	host, _ := os.Hostname()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Lock("api.example.test", Holder{PID: dead.Process.Pid, Host: host}); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.Holder("api.example.test"); ok {
		t.Error("Holder() reports a dead process as holding the lock")
	}
	if _, err := f.Lock("api.example.test", Holder{PID: os.Getpid(), Host: host}); err != nil {
		t.Errorf("Lock over a dead holder = %v, want it taken over", err)
	}
}

func TestCommandsInOrder(t *testing.T) {
	f := newStore(t)
	for _, k := range []migrate.CommandKind{migrate.Pause, migrate.Resume, migrate.Promote} {
		if err := f.Send("api.example.test", k); err != nil {
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
