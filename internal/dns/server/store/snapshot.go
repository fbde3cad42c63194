package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"ferry.dev/ferry/internal/dns"
)

// Image is a whole State as a plain value: the content of a snapshot
// file, and what a secondary is sent when the changes it lacks are no
// longer at hand.
type Image struct {
	Rev     uint64          `json:"rev"`
	Seeded  []string        `json:"seeded"`
	Records []dns.RecordSet `json:"records"`
}

// Image returns st as an Image, records ordered by name and type.
func (st State) Image() Image {
	im := Image{Rev: st.Rev, Records: st.Sorted()}
	for z := range st.Seeded {
		im.Seeded = append(im.Seeded, z)
	}
	slices.Sort(im.Seeded)
	return im
}

// State returns the state im holds.
func (im Image) State() State {
	st := State{Rev: im.Rev, Records: make(map[Key]dns.RecordSet, len(im.Records)), Seeded: map[string]bool{}}
	for _, rs := range im.Records {
		st.Records[KeyOf(rs)] = rs
	}
	for _, z := range im.Seeded {
		st.Seeded[z] = true
	}
	return st
}

// snapshotFileV2 is the snapshot file: the state and the CRC-32C of its
// JSON, exactly as written, so a bit flipped on disk is found at start.
// (A snapshot written before the checksum has the state's fields at the
// top level and no "state"; it is read as it is.)
type snapshotFileV2 struct {
	State    json.RawMessage `json:"state"`
	Checksum *uint32         `json:"crc32c"`
}

func readSnapshot(path string) (Image, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return Image{}, nil
	}
	if err != nil {
		return Image{}, fmt.Errorf("reading snapshot: %w", err)
	}
	// A snapshot is only ever renamed into place complete, so a bad one
	// is real corruption, not a crash: refuse rather than lose records.
	var f snapshotFileV2
	if err := json.Unmarshal(b, &f); err != nil {
		return Image{}, fmt.Errorf("%w: decoding snapshot %s: %w", ErrCorrupt, path, err)
	}
	state := b
	if f.State != nil || f.Checksum != nil {
		if f.Checksum == nil || f.State == nil || checksum(f.State) != *f.Checksum {
			return Image{}, fmt.Errorf("%w: snapshot %s: its checksum does not match its content; keep a copy, and restore it from a backup", ErrCorrupt, path)
		}
		state = f.State
	}
	var s Image
	dec := json.NewDecoder(bytes.NewReader(state))
	dec.DisallowUnknownFields() // a damaged "state" key must not read as an empty old snapshot
	if err := dec.Decode(&s); err != nil {
		return Image{}, fmt.Errorf("%w: decoding snapshot %s: %w", ErrCorrupt, path, err)
	}
	return s, nil
}

// writeSnapshot replaces the snapshot at path atomically and durably.
func writeSnapshot(path string, st State) error {
	state, err := json.Marshal(st.Image())
	if err != nil {
		return fmt.Errorf("encoding snapshot: %w", err)
	}
	sum := checksum(state)
	b, err := json.Marshal(snapshotFileV2{State: state, Checksum: &sum})
	if err != nil {
		return fmt.Errorf("encoding snapshot: %w", err)
	}
	tmp := path + ".tmp"
	if err := writeFileSync(tmp, b); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("renaming snapshot: %w", err)
	}
	return syncDir(filepath.Dir(path))
}

func writeFileSync(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("creating %s: %w", path, err)
	}
	if _, err := f.Write(b); err != nil {
		_ = f.Close() // the write error is what matters; the file is discarded
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		_ = f.Close() // the sync error is what matters; the file is discarded
		return fmt.Errorf("syncing %s: %w", path, err)
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("opening directory %s: %w", dir, err)
	}
	if err := d.Sync(); err != nil {
		_ = d.Close() // the sync error is the one that matters
		return fmt.Errorf("syncing directory %s: %w", dir, err)
	}
	if err := d.Close(); err != nil {
		return fmt.Errorf("closing directory %s: %w", dir, err)
	}
	return nil
}

// Sorted returns every record set ordered by name, then type.
func (st State) Sorted() []dns.RecordSet {
	out := make([]dns.RecordSet, 0, len(st.Records))
	for _, rs := range st.Records {
		out = append(out, rs)
	}
	slices.SortFunc(out, func(a, b dns.RecordSet) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Type, b.Type)
	})
	return out
}
