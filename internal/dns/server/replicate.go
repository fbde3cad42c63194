package server

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/server/store"
)

// Limits of the replication endpoint.
const (
	maxBatch = 1000             // changes in one answer
	maxWait  = 20 * time.Second // longest a request waits for a change
)

// ErrReadOnly is the error of a change sent to a secondary: only the
// primary takes changes (HTTP 403). It wraps dns.ErrTerminal.
var ErrReadOnly = fmt.Errorf("%w: read-only secondary", dns.ErrTerminal)

// ReplicationBatch is the body of GET /v1/replication?after=REV&wait=SECONDS:
// the primary's revision and the changes after REV in order (at most
// maxBatch; empty when none came within the wait), or, when those are no
// longer at hand (the primary restarted, or REV is far behind or ahead of
// it), the whole state as an Image, which replaces the secondary's.
type ReplicationBatch struct {
	Rev     uint64         `json:"rev"`
	Changes []store.Change `json:"changes"`
	Image   *store.Image   `json:"image,omitempty"`
}

// handleReplication answers a secondary, waiting up to wait seconds
// (at most maxWait) for a change after REV, so that a change reaches the
// secondaries as soon as it is durable rather than at the next poll.
func (s *Server) handleReplication(w http.ResponseWriter, r *http.Request) {
	after, err := strconv.ParseUint(r.URL.Query().Get("after"), 10, 64)
	if err != nil {
		writeError(w, http.StatusBadRequest, fmt.Errorf("after: want a revision: %w", err))
		return
	}
	wait := time.Duration(0)
	if v := r.URL.Query().Get("wait"); v != "" {
		secs, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			writeError(w, http.StatusBadRequest, fmt.Errorf("wait: want seconds: %w", err))
			return
		}
		wait = min(time.Duration(secs)*time.Second, maxWait)
	}
	ctx, cancel := context.WithTimeout(r.Context(), wait)
	defer cancel()
	writeJSON(w, http.StatusOK, s.batchAfter(ctx, after))
}

// batchAfter waits until the store has moved from after (or ctx ends)
// and returns what a secondary at after needs.
func (s *Server) batchAfter(ctx context.Context, after uint64) ReplicationBatch {
	st, changed := s.store.Watch()
	for st.Rev == after {
		select {
		case <-changed:
			st, changed = s.store.Watch()
		case <-ctx.Done():
			return ReplicationBatch{Rev: st.Rev, Changes: []store.Change{}}
		case <-s.stop: // closing: do not hold up the admin API's shutdown
			return ReplicationBatch{Rev: st.Rev, Changes: []store.Change{}}
		}
	}
	if changes, ok := s.store.Since(after, maxBatch); ok && len(changes) > 0 {
		return ReplicationBatch{Rev: max(st.Rev, changes[len(changes)-1].Rev), Changes: changes}
	}
	im := st.Image()
	return ReplicationBatch{Rev: st.Rev, Changes: []store.Change{}, Image: &im}
}

// readOnly refuses a change on a secondary.
func (s *Server) readOnly() error {
	if s.cfg.ReplicateFrom == "" {
		return nil
	}
	return fmt.Errorf("%w: this server follows %s; send changes there", ErrReadOnly, s.cfg.ReplicateFrom)
}

// applyBatch makes what the primary sent durable and serves it: the
// view is compiled first, so a batch that cannot be served is refused
// whole and the secondary keeps serving its last state.
func (s *Server) applyBatch(ctx context.Context, b ReplicationBatch) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var next *view
	compile := func(st store.State) error {
		v, err := buildView(s.cfg.Zones, st, s.metrics.counter)
		next = v
		return err
	}
	if b.Image != nil {
		if err := compile(b.Image.State()); err != nil {
			return fmt.Errorf("compiling the primary's state: %w", err)
		}
		if _, err := s.store.Reset(ctx, *b.Image); err != nil {
			return fmt.Errorf("storing the primary's state: %w", err)
		}
	} else {
		if len(b.Changes) == 0 {
			return nil
		}
		if _, err := s.store.Append(ctx, compile, b.Changes...); err != nil {
			return fmt.Errorf("storing the primary's changes: %w", err)
		}
	}
	s.view.Store(next)
	s.metrics.retain(next)
	return nil
}
