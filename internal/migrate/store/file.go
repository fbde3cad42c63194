package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/migrate"
)

// File keeps state in files under Dir.
type File struct {
	Dir string
}

var (
	_ migrate.Store         = (*File)(nil)
	_ migrate.CommandSource = (*File)(nil)
)

// NewFile returns a store in dir. The directory is created by the first
// write, so commands that fail on bad input leave nothing behind.
func NewFile(dir string) (*File, error) {
	if dir == "" {
		return nil, errors.New("state directory: must not be empty")
	}
	return &File{Dir: dir}, nil
}

func (f *File) mkdir() error {
	if err := os.MkdirAll(f.Dir, 0o755); err != nil {
		return fmt.Errorf("creating state directory: %w", err)
	}
	return nil
}

// base is the file name stem for domain.
func (f *File) base(domain string) string {
	name := strings.TrimSuffix(dns.CanonicalName(domain), ".")
	return filepath.Join(f.Dir, name)
}

// Load returns the saved state of domain's migration, or an error wrapping
// migrate.ErrNoState when there is none.
func (f *File) Load(_ context.Context, domain string) (migrate.State, error) {
	data, err := os.ReadFile(f.base(domain) + ".json")
	if errors.Is(err, os.ErrNotExist) {
		return migrate.State{}, fmt.Errorf("loading migration of %s: %w", domain, migrate.ErrNoState)
	}
	if err != nil {
		return migrate.State{}, fmt.Errorf("loading migration of %s: %w", domain, err)
	}
	var s migrate.State
	if err := json.Unmarshal(data, &s); err != nil {
		return migrate.State{}, fmt.Errorf("decoding %s.json: %w", f.base(domain), err)
	}
	return s, nil
}

// Save replaces the saved state atomically and durably: a crash leaves
// either the old state or the new one on disk, never a torn file.
func (f *File) Save(_ context.Context, s migrate.State) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding state: %w", err)
	}
	if err := f.mkdir(); err != nil {
		return err
	}
	return writeAtomic(f.base(s.Config.Domain)+".json", data)
}

// writeAtomic writes data to path through a synced temporary file and a
// rename, then syncs the directory so the rename itself survives a crash.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // fails harmlessly after the rename
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("syncing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replacing %s: %w", path, err)
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("syncing %s: %w", dir, err)
	}
	defer func() { _ = d.Close() }()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", dir, err)
	}
	return nil
}
