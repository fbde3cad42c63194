package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"ferry.dev/ferry/internal/migrate"
)

// Send queues an operator command for the executor running domain's
// migration. The executor picks it up within one tick.
func (f *File) Send(domain string, kind migrate.CommandKind) error {
	dir := f.base(domain) + ".commands"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("queueing %s: %w", kind, err)
	}
	name := fmt.Sprintf("%020d-%s", time.Now().UnixNano(), kind)
	return writeAtomic(filepath.Join(dir, name), []byte(kind))
}

// Queued is one command waiting in the queue.
type Queued struct {
	Kind migrate.CommandKind
	path string
}

// Pending returns queued commands, oldest first.
func (f *File) Pending(domain string) ([]Queued, error) {
	dir := f.base(domain) + ".commands"
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading commands: %w", err)
	}
	var qs []Queued
	for _, e := range entries {
		stamp, kind, ok := strings.Cut(e.Name(), "-")
		if _, err := strconv.ParseInt(stamp, 10, 64); !ok || err != nil {
			continue // a temporary file being written
		}
		qs = append(qs, Queued{Kind: migrate.CommandKind(kind), path: filepath.Join(dir, e.Name())})
	}
	slices.SortFunc(qs, func(a, b Queued) int { return strings.Compare(a.path, b.path) })
	return qs, nil
}

// Ack removes a command once its effect is saved in the state.
func (f *File) Ack(q Queued) error {
	if err := os.Remove(q.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing command: %w", err)
	}
	return nil
}
