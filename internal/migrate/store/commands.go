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

// Pending returns queued commands, oldest first.
func (f *File) Pending(domain string) ([]migrate.QueuedCommand, error) {
	dir := f.base(domain) + ".commands"
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading commands: %w", err)
	}
	var names []string
	for _, e := range entries {
		stamp, _, ok := strings.Cut(e.Name(), "-")
		if _, err := strconv.ParseInt(stamp, 10, 64); ok && err == nil {
			names = append(names, e.Name()) // not a temporary file being written
		}
	}
	slices.Sort(names)
	qs := make([]migrate.QueuedCommand, 0, len(names))
	for _, n := range names {
		_, kind, _ := strings.Cut(n, "-")
		path := filepath.Join(dir, n)
		qs = append(qs, migrate.QueuedCommand{Kind: migrate.CommandKind(kind), Ack: func() error { return ack(path) }})
	}
	return qs, nil
}

// ack removes a command once its effect is saved in the state.
func ack(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing command: %w", err)
	}
	return nil
}
