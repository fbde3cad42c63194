package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
)

// maxRecent is how many of the last changes a store keeps in memory for
// secondaries; one further behind is sent a whole Image instead.
const maxRecent = 4096

// Watch returns the current state and a channel closed by the next
// change, taken together so no change falls between them.
func (s *Store) Watch() (State, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state, s.changed
}

// Since returns up to limit changes after revision rev, in order. ok is
// false when they are no longer (or not) at hand: the store has restarted
// since, or rev is too far behind or ahead.
func (s *Store) Since(rev uint64, limit int) (changes []Change, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rev == s.state.Rev {
		return nil, true
	}
	if rev > s.state.Rev || len(s.recent) == 0 || s.recent[0].Rev > rev+1 {
		return nil, false
	}
	i := int(rev + 1 - s.recent[0].Rev)
	out := s.recent[i:min(len(s.recent), i+limit)]
	return append([]Change(nil), out...), true
}

// ErrNotNext is returned by Append for changes that do not continue the
// store's revisions.
var ErrNotNext = errors.New("change does not follow the store's revision")

// Append makes changes made elsewhere (a primary's) durable with one
// fsync, keeping their revisions, and returns the state after them. They
// must follow the store's revision one by one (ErrNotNext otherwise, and
// nothing is written). check, if not nil, sees the state they would make
// and may refuse them.
func (s *Store) Append(ctx context.Context, check func(State) error, changes ...Change) (State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.log == nil {
		return State{}, ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return State{}, fmt.Errorf("appending changes: %w", err)
	}
	next := s.state
	for _, c := range changes {
		if c.Rev != next.Rev+1 {
			return State{}, fmt.Errorf("%w: revision %d after %d", ErrNotNext, c.Rev, next.Rev)
		}
		next = next.apply(c)
	}
	if len(changes) == 0 {
		return s.state, nil
	}
	if check != nil {
		if err := check(next); err != nil {
			return State{}, err
		}
	}
	if err := s.append(changes...); err != nil {
		return State{}, err
	}
	s.applied(changes...)
	return s.state, nil
}

// Reset replaces the whole state with im (a primary's), durably: the log
// is emptied first and the snapshot written after, so a crash in between
// leaves the older snapshot, never a mix of the two histories.
func (s *Store) Reset(ctx context.Context, im Image) (State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.log == nil {
		return State{}, ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return State{}, fmt.Errorf("resetting the store: %w", err)
	}
	if err := s.emptyLog(); err != nil {
		return State{}, err
	}
	st := im.State()
	if err := writeSnapshot(filepath.Join(s.dir, snapshotFile), st); err != nil {
		return State{}, err
	}
	s.state, s.recent = st, nil
	close(s.changed)
	s.changed = make(chan struct{})
	return s.state, nil
}

// emptyLog cuts the log to nothing, durably. s.mu is held.
func (s *Store) emptyLog() error {
	if err := s.log.Truncate(0); err != nil {
		return fmt.Errorf("emptying log: %w", err)
	}
	if _, err := s.log.Seek(0, 0); err != nil {
		return fmt.Errorf("rewinding log: %w", err)
	}
	if err := s.log.Sync(); err != nil {
		return fmt.Errorf("syncing log: %w", err)
	}
	s.logSize = 0
	return nil
}
