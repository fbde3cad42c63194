package migstore

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/migrate"
)

// Pending returns the commands in spec not yet acknowledged, oldest
// first, read from Reader. A command that names no migration was meant
// for the one running: it gets the ID of the state last loaded or saved.
func (s *Store) Pending(domain string) ([]migrate.QueuedCommand, error) {
	ctx := context.Background() // the interface has no context; the cache read does not block
	obj := &v1alpha1.MigrationResource{}
	if err := s.reader().Get(ctx, s.Key, obj); err != nil {
		return nil, fmt.Errorf("reading the commands of Migration %s: %w", s.Key, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	current := s.currentID()
	var qs []migrate.QueuedCommand
	for _, c := range obj.Spec.Commands {
		if s.isAcked(obj, c.Name) {
			continue
		}
		id := c.Migration
		if id == "" {
			id = current
		}
		name := c.Name
		qs = append(qs, migrate.QueuedCommand{
			Kind: migrate.CommandKind(c.Kind), Migration: id,
			Ack: func() error { return s.ack(context.WithoutCancel(ctx), name) },
		})
	}
	return qs, nil
}

// currentID is the ID of the state last loaded or saved.
func (s *Store) currentID() string {
	if s.last == nil || s.last.Status.MigrationID == "" {
		return ""
	}
	return s.last.Status.MigrationID
}

func (s *Store) isAcked(obj *v1alpha1.MigrationResource, name string) bool {
	if slices.Contains(s.acked, name) || slices.Contains(obj.Status.Acknowledged, name) {
		return true
	}
	return s.last != nil && slices.Contains(s.last.Status.Acknowledged, name)
}

// ack records name as acknowledged in status, durably.
func (s *Store) ack(ctx context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.acked = append(s.acked, name)
	return s.write(ctx, func(*v1alpha1.MigrationResource) {}, nil)
}

// ClearCommands acknowledges every command in spec: a new migration
// starts with none (they were sent before it).
func (s *Store) ClearCommands(domain string) error {
	ctx := context.Background()
	obj, err := s.get(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range obj.Spec.Commands {
		s.acked = append(s.acked, c.Name)
	}
	s.last = obj
	s.saved = canonical(rawState(obj))
	return s.write(ctx, func(*v1alpha1.MigrationResource) {}, nil)
}

// Queued reports whether the command name still waits (read fresh).
func (s *Store) Queued(domain, name string) bool {
	obj, err := s.get(context.Background())
	if err != nil {
		return false
	}
	return slices.ContainsFunc(obj.Spec.Commands, func(c v1alpha1.MigrationCommand) bool { return c.Name == name }) &&
		!slices.Contains(obj.Status.Acknowledged, name)
}

// Send appends a command to spec.commands (dropping acknowledged ones so
// the list stays short), retrying conflicts, and returns its name.
func (s *Store) Send(domain, migration string, kind migrate.CommandKind) (string, error) {
	ctx := context.Background()
	name := string(kind) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	for attempt := 0; ; attempt++ {
		obj, err := s.get(ctx)
		if err != nil {
			return "", err
		}
		obj.Spec.Commands = slices.DeleteFunc(obj.Spec.Commands, func(c v1alpha1.MigrationCommand) bool {
			return slices.Contains(obj.Status.Acknowledged, c.Name)
		})
		obj.Spec.Commands = append(obj.Spec.Commands, v1alpha1.MigrationCommand{Name: name, Kind: string(kind), Migration: migration})
		err = s.Client.Update(ctx, obj)
		if err == nil {
			return name, nil
		}
		if !apierrors.IsConflict(err) || attempt >= 10 {
			return "", fmt.Errorf("sending %s to Migration %s: %w", kind, s.Key, err)
		}
	}
}
