package store

import (
	"encoding/json"
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

// queued is a command file's content.
type queued struct {
	Kind      migrate.CommandKind `json:"kind"`
	Migration string              `json:"migration"`
}

// Send queues an operator command for the executor running the migration
// of domain whose State.ID is migration; the executor drops it if it runs
// another migration. It returns the command's name, for Queued.
func (f *File) Send(domain, migration string, kind migrate.CommandKind) (string, error) {
	dir := f.commandDir(domain)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("queueing %s: %w", kind, err)
	}
	data, err := json.Marshal(queued{Kind: kind, Migration: migration})
	if err != nil {
		return "", fmt.Errorf("queueing %s: %w", kind, err)
	}
	name := fmt.Sprintf("%020d-%s", time.Now().UnixNano(), kind)
	if err := writeAtomic(filepath.Join(dir, name), data); err != nil {
		return "", err
	}
	return name, nil
}

// Queued reports whether the command Send named name still waits: the
// executor removes it once its effect is saved in the state.
func (f *File) Queued(domain, name string) bool {
	_, err := os.Stat(filepath.Join(f.commandDir(domain), name))
	return err == nil
}

// ClearCommands drops every queued command of domain; a new migration
// starts with none (they were sent to an earlier one).
func (f *File) ClearCommands(domain string) error {
	if err := os.RemoveAll(f.commandDir(domain)); err != nil {
		return fmt.Errorf("clearing queued commands: %w", err)
	}
	return nil
}

func (f *File) commandDir(domain string) string { return f.base(domain) + ".commands" }

// Pending returns queued commands, oldest first. A command file that cannot
// be read names no migration (so the executor drops it).
func (f *File) Pending(domain string) ([]migrate.QueuedCommand, error) {
	dir := f.commandDir(domain)
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
		q := queued{Kind: migrate.CommandKind(kind)}
		if data, err := os.ReadFile(path); err == nil {
			_ = json.Unmarshal(data, &q) // unreadable: no migration, dropped
		}
		qs = append(qs, migrate.QueuedCommand{Kind: migrate.CommandKind(kind), Migration: q.Migration, Ack: func() error { return ack(path) }})
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
