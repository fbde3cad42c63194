package migrate

import (
	"context"
	"errors"
)

// ErrNoState means no migration of the domain has been saved.
var ErrNoState = errors.New("no migration found")

// Store keeps migration state durably.
//
// Contract: Save returns only once s is durable, and replaces the previous
// state atomically (a crash leaves the old or the new one, never a mix).
// Load returns the last saved state or an error wrapping ErrNoState.
type Store interface {
	Load(ctx context.Context, domain string) (State, error)
	Save(ctx context.Context, s State) error
}
