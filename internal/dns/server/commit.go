package server

import (
	"context"
	"errors"
	"fmt"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/server/store"
)

// maxGroup bounds how many changes one group commit writes.
const maxGroup = 256

// pending is one change waiting for the committer.
type pending struct {
	check func(store.State) error
	op    store.Op
	done  chan error
}

// apply makes op durable and publishes the view with it. check sees the
// state under the write lock, with every change committed before it, and
// may refuse the change (errUnchanged: it is already made). The view is
// compiled before anything is written, so a change that cannot be served
// is refused rather than stored.
//
// Changes that arrive together are committed together (group commit):
// each keeps its own revision, but they share one fsync and one view
// compilation, which is what a write costs.
func (s *Server) apply(ctx context.Context, check func(store.State) error, op store.Op) error {
	p := &pending{check: check, op: op, done: make(chan error, 1)}
	select {
	case s.commits <- p:
	case <-ctx.Done():
		return fmt.Errorf("applying change: %w", ctx.Err())
	case <-s.committerDone:
		return store.ErrClosed
	}
	select {
	case err := <-p.done:
		return err
	case <-s.committerDone:
		select { // answered just before the committer stopped?
		case err := <-p.done:
			return err
		default:
			return store.ErrClosed
		}
	}
}

// committer commits the changes sent to apply, as many at a time as are
// waiting, until the server closes.
func (s *Server) committer() {
	defer close(s.committerDone)
	for {
		select {
		case <-s.stop:
			return
		case p := <-s.commits:
			batch := []*pending{p}
			for len(batch) < maxGroup && s.takeWaiting(&batch) {
			}
			s.commit(batch)
		}
	}
}

// takeWaiting adds one waiting change to batch, if there is one.
func (s *Server) takeWaiting(batch *[]*pending) bool {
	select {
	case p := <-s.commits:
		*batch = append(*batch, p)
		return true
	default:
		return false
	}
}

// commit admits each change of batch in order, writes the admitted ones
// with one fsync and publishes one view. If that view cannot be compiled,
// the changes are committed one by one, so that only the one at fault is
// refused.
func (s *Server) commit(batch []*pending) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	st := s.store.State()
	var changes []store.Change
	var admitted []*pending
	for _, p := range batch {
		if p.check != nil {
			if err := p.check(st); err != nil {
				p.done <- ignoreUnchanged(err)
				continue
			}
		}
		st = st.Next(p.op)
		changes = append(changes, store.Change{Rev: st.Rev, Ops: []store.Op{p.op}})
		admitted = append(admitted, p)
	}
	if len(admitted) == 0 {
		return
	}
	v, err := buildView(s.cfg.Zones, st, s.metrics.counter)
	if err != nil && len(admitted) > 1 {
		s.writeMu.Unlock()
		for _, p := range admitted {
			s.commit([]*pending{p})
		}
		s.writeMu.Lock()
		return
	}
	if err == nil {
		_, err = s.store.Append(context.Background(), nil, changes...)
	} else {
		err = fmt.Errorf("%w: %w", dns.ErrInvalid, err)
	}
	if err == nil {
		s.view.Store(v)
		s.metrics.retain(v)
	}
	for _, p := range admitted {
		p.done <- err
	}
}

func ignoreUnchanged(err error) error {
	if errors.Is(err, errUnchanged) {
		return nil
	}
	return err
}
