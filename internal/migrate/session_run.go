package migrate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"ferry.dev/ferry/internal/dns/lease"
)

// Run drives the migration (see Executor.Run) while renewing the ownership
// lease every third of its length. When the lease is lost, Run stops and
// returns an error wrapping ErrLeaseLost; when the migration ends, the
// lease is released.
func (s *Session) Run(ctx context.Context) (State, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		s.renewLoop(ctx, cancel)
	}()
	ex := &Executor{
		Provider: s.o.Provider, Store: s.o.Store, Commands: s.o.Commands, Logger: s.o.Logger,
		Sensors: s.o.Sensors, Observe: s.o.Observe, Now: s.o.Now, Connect: s.o.Connect, Start: s.start,
	}
	final, err := ex.Run(ctx, s.state)
	if cause := context.Cause(ctx); errors.Is(cause, ErrLeaseLost) {
		err = cause
	}
	cancel(nil)
	<-renewed
	s.state = final
	if final.Stage.Terminal() {
		if rerr := s.held.Release(context.WithoutCancel(ctx)); rerr != nil {
			s.o.Logger.Warn("releasing the ownership lease (it expires on its own)", "domain", s.o.Config.Domain, "error", rerr)
		}
	}
	return final, err
}

func (s *Session) renewLoop(ctx context.Context, cancel context.CancelCauseFunc) {
	every := s.state.Config.Lease / 3
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := s.o.Now()
		err := s.held.Renew(ctx, now)
		switch {
		case errors.Is(err, lease.ErrLost):
			cancel(fmt.Errorf("%w: %w", ErrLeaseLost, err))
			return
		case err != nil && ctx.Err() == nil:
			// The provider may be away for a moment; the lease lasts
			// three renewals, and a takeover shows as ErrLost.
			s.o.Logger.Warn("renewing the ownership lease", "domain", s.o.Config.Domain, "error", err)
		}
	}
}
