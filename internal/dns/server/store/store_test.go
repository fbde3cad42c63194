package store

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/dns"
)

func rs(name string, weight int) dns.RecordSet {
	return dns.RecordSet{Name: name, Type: "A", TTL: 30, Sets: []dns.WeightedSet{{ID: "a", Weight: weight, Values: []string{"127.0.0.1"}}}}
}

func put(r dns.RecordSet) Op { return Op{Put: &r} }

func open(t *testing.T, dir string, every int) *Store {
	t.Helper()
	s, err := Open(dir, Options{CompactEvery: every})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func apply(t *testing.T, s *Store, ops ...Op) State {
	t.Helper()
	st, err := s.Apply(t.Context(), nil, ops...)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestReopenSeesEveryChange(t *testing.T) {
	cases := []struct {
		name  string
		every int
		n     int
	}{
		{name: "log only", every: 1000, n: 10},
		{name: "snapshot and log", every: 3, n: 10},
		{name: "snapshot exactly", every: 5, n: 10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := open(t, dir, tc.every)
			for i := range tc.n {
				apply(t, s, put(rs(fmt.Sprintf("n%d.example.test.", i%4), i)), Op{Seeded: "example.test."})
			}
			want := apply(t, s, Op{Delete: &Key{Name: "n0.example.test.", Type: "A"}})
			s.abandon() // no Close: the process "died" here
			got := open(t, dir, tc.every).State()
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("state after reopen (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTornOrCorruptTailIsDropped(t *testing.T) {
	cases := []struct {
		name  string
		spoil func(t *testing.T, log string, last []byte)
	}{
		{name: "half a record", spoil: func(t *testing.T, log string, last []byte) { appendBytes(t, log, last[:len(last)/2]) }},
		{name: "header only", spoil: func(t *testing.T, log string, last []byte) { appendBytes(t, log, last[:12]) }},
		{name: "zeros", spoil: func(t *testing.T, log string, _ []byte) { appendBytes(t, log, make([]byte, 4096)) }},
		{name: "bad checksum", spoil: func(t *testing.T, log string, last []byte) {
			bad := append([]byte(nil), last...)
			bad[len(bad)-2] ^= 0xFF
			appendBytes(t, log, bad)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := open(t, dir, 1000)
			apply(t, s, put(rs("a.example.test.", 1)))
			want := apply(t, s, put(rs("b.example.test.", 2)))
			s.abandon()
			torn, err := encodeRecord(Change{Rev: want.Rev + 1, Ops: []Op{put(rs("c.example.test.", 3))}})
			if err != nil {
				t.Fatal(err)
			}
			tc.spoil(t, filepath.Join(dir, logFile), torn)
			spoilt, err := os.ReadFile(filepath.Join(dir, logFile))
			if err != nil {
				t.Fatal(err)
			}
			s = open(t, dir, 1000)
			if diff := cmp.Diff(want, s.State()); diff != "" {
				t.Fatalf("state after a torn tail (-want +got):\n%s", diff)
			}
			cut, kept := s.CutOnOpen()
			if cut == 0 {
				t.Error("CutOnOpen does not report the dropped bytes")
			}
			if wantPath := filepath.Join(dir, fmt.Sprintf("wal.log.corrupt-%d", want.Rev)); kept != wantPath {
				t.Errorf("copy of the log kept at %q, want %q", kept, wantPath)
			}
			if b, err := os.ReadFile(kept); err != nil || !bytes.Equal(b, spoilt) {
				t.Errorf("the copy does not hold the log as it was before the cut (%v)", err)
			}
			// New changes after the cut must be readable, not hidden behind garbage.
			want = apply(t, s, put(rs("d.example.test.", 4)))
			s.abandon()
			if diff := cmp.Diff(want, open(t, dir, 1000).State()); diff != "" {
				t.Errorf("state after writing past the cut (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDamageBeforeIntactRecordsRefusesToOpen: r1-r5 are acknowledged and
// one byte of r3 goes bad on disk. That is not a torn write (r4 and r5 are
// intact after it), so Open must refuse, name the file and the offset, and
// leave the log as it is, rather than keep r1-r2 and cut away the rest.
func TestDamageBeforeIntactRecordsRefusesToOpen(t *testing.T) {
	cases := []struct {
		name string
		at   func(start, end int64) int64 // which byte of record 3 to flip
	}{
		{name: "payload", at: func(start, end int64) int64 { return (start + end) / 2 }},
		{name: "last payload byte", at: func(_, end int64) int64 { return end - 1 }},
		{name: "magic", at: func(start, _ int64) int64 { return start }},
		{name: "length", at: func(start, _ int64) int64 { return start + 4 }},
		{name: "checksum", at: func(start, _ int64) int64 { return start + 8 }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, logFile)
			s := open(t, dir, 1000)
			ends := []int64{0}
			for i := range 5 {
				apply(t, s, put(rs(fmt.Sprintf("r%d.example.test.", i+1), i)))
				fi, err := os.Stat(path)
				if err != nil {
					t.Fatal(err)
				}
				ends = append(ends, fi.Size())
			}
			s.abandon()
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			b[tc.at(ends[2], ends[3])] ^= 0x5A
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err = Open(dir, Options{})
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Open: %v, want ErrCorrupt", err)
			}
			for _, want := range []string{path, fmt.Sprintf("offset %d", ends[2]), fmt.Sprintf("offset %d", ends[3])} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not name %q", err, want)
				}
			}
			if after, err := os.ReadFile(path); err != nil || !bytes.Equal(after, b) {
				t.Errorf("the damaged log was changed (%v)", err)
			}
			// The refusal released the lock: fixing the file by hand and
			// opening again works.
			if err := os.Truncate(path, ends[2]); err != nil {
				t.Fatal(err)
			}
			if got := len(open(t, dir, 1000).State().Records); got != 2 {
				t.Errorf("after cutting the log by hand: %d records, want r1 and r2", got)
			}
		})
	}
}

// TestCrashBetweenSnapshotAndLogReset replays a log whose records are
// already in the snapshot, as after a crash between the rename and the
// truncation in compact.
func TestCrashBetweenSnapshotAndLogReset(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, 1000)
	apply(t, s, put(rs("a.example.test.", 1)))
	apply(t, s, Op{Delete: &Key{Name: "a.example.test.", Type: "A"}})
	oldLog, err := os.ReadFile(filepath.Join(dir, logFile))
	if err != nil {
		t.Fatal(err)
	}
	want := s.State()
	if err := s.Close(); err != nil { // writes the snapshot, empties the log
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, logFile), oldLog, 0o600); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, open(t, dir, 1000).State()); diff != "" {
		t.Errorf("old log records were applied again (-want +got):\n%s", diff)
	}
}

func TestCheckRefusesWithoutWriting(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, 1000)
	want := apply(t, s, put(rs("a.example.test.", 1)))
	_, err := s.Apply(t.Context(), func(State) error { return fmt.Errorf("no") }, put(rs("b.example.test.", 1)))
	if err == nil {
		t.Fatal("a refused change was applied")
	}
	s.abandon()
	if diff := cmp.Diff(want, open(t, dir, 1000).State()); diff != "" {
		t.Errorf("state (-want +got):\n%s", diff)
	}
}

func appendBytes(t *testing.T, path string, b []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(b); err != nil {
		t.Fatal(err)
	}
}

func TestSecondOpenOfOneDirectoryIsRefused(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, 1000)
	if _, err := Open(dir, Options{}); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := open(t, dir, 1000).Close(); err != nil {
		t.Errorf("Open after Close: %v", err)
	}
}

// TestFailedCompactionIsLoggedOnce: a compaction failing after a durable
// change must not fail the change, but must not pass unnoticed either; a
// failure that repeats on every change is logged once, and its end too.
func TestFailedCompactionIsLoggedOnce(t *testing.T) {
	dir := t.TempDir()
	var logs bytes.Buffer
	s, err := Open(dir, Options{CompactEvery: 2, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.abandon()
	// A non-empty directory where the snapshot goes: the rename fails.
	if err := os.MkdirAll(filepath.Join(dir, snapshotFile, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	for i := range 6 { // compactions after changes 2, 4 and 6 fail alike
		apply(t, s, put(rs(fmt.Sprintf("n%d.example.test.", i), 1)))
	}
	if n := strings.Count(logs.String(), "level=ERROR"); n != 1 || !strings.Contains(logs.String(), snapshotFile) {
		t.Fatalf("%d error lines, want 1 naming %s:\n%s", n, snapshotFile, logs.String())
	}
	if err := os.RemoveAll(filepath.Join(dir, snapshotFile)); err != nil {
		t.Fatal(err)
	}
	want := apply(t, s, put(rs("last.example.test.", 1)))
	if !strings.Contains(logs.String(), "works again") {
		t.Errorf("the recovery is not logged:\n%s", logs.String())
	}
	s.abandon()
	if diff := cmp.Diff(want, open(t, dir, 1000).State()); diff != "" {
		t.Errorf("state after failed compactions (-want +got):\n%s", diff)
	}
}
