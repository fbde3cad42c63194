package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReplayRefusesAGap: a log whose revisions skip one (a record cut out
// whole, every remaining record intact) is refused, naming the gap,
// rather than opened without the missing change.
func TestReplayRefusesAGap(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, 1000)
	var ends []int
	for i := range 5 {
		apply(t, s, put(rs(fmt.Sprintf("r%d.example.test.", i), i)))
		fi, err := os.Stat(filepath.Join(dir, logFile))
		if err != nil {
			t.Fatal(err)
		}
		ends = append(ends, int(fi.Size()))
	}
	s.abandon()
	path := filepath.Join(dir, logFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	gap := append(append([]byte(nil), b[:ends[1]]...), b[ends[2]:]...) // without revision 3
	if err := os.WriteFile(path, gap, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Open(dir, Options{})
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "revision 4 follows revision 2: changes 3 to 3 are missing") {
		t.Fatalf("Open = %v, want ErrCorrupt naming the gap", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, gap) {
		t.Error("the log was changed")
	}
}

// TestSnapshotChecksum: a snapshot whose content changed on disk, even
// into valid JSON, is refused at start; one written before snapshots had
// a checksum is still read.
func TestSnapshotChecksum(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, 1000)
	apply(t, s, put(rs("a.example.test.", 7)), Op{Seeded: "example.test."})
	want := s.State()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, snapshotFile)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	damages := map[string]func([]byte) []byte{
		"a value changed":  func(b []byte) []byte { return bytes.Replace(b, []byte("127.0.0.1"), []byte("127.0.0.9"), 1) },
		"a weight changed": func(b []byte) []byte { return bytes.Replace(b, []byte(`"weight":7`), []byte(`"weight":8`), 1) },
		"checksum gone":    func(b []byte) []byte { return bytes.Replace(b, []byte(`"crc32c"`), []byte(`"crc32x"`), 1) },
		"state key gone":   func(b []byte) []byte { return bytes.Replace(b, []byte(`"state"`), []byte(`"statx"`), 1) },
	}
	for name, damage := range damages {
		t.Run(name, func(t *testing.T) {
			bad := damage(good)
			if bytes.Equal(bad, good) {
				t.Fatalf("the damage did not apply to %s", good)
			}
			if err := os.WriteFile(path, bad, 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := Open(dir, Options{}); !errors.Is(err, ErrCorrupt) {
				t.Errorf("Open = %v, want ErrCorrupt", err)
			}
		})
	}
	legacy := []byte(`{"rev":1,"seeded":["example.test."],"records":[{"name":"a.example.test.","type":"A","ttl":30,"sets":[{"id":"a","weight":7,"values":["127.0.0.1"]}]}]}`)
	if err := os.WriteFile(path, legacy, 0o600); err != nil {
		t.Fatal(err)
	}
	got := open(t, dir, 1000).State()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("state from a snapshot without a checksum (-want +got):\n%s", diff)
	}
}
