package dns

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Op names the kind of change a Recorder accepted.
type Op string

// The changes a Provider makes.
const (
	OpReplace Op = "replace"
	OpDelete  Op = "delete"
)

// Recorded is one change a Recorder accepted.
type Recorded struct {
	Op Op
	// RecordSet is the set written (OpReplace) or the set removed (OpDelete).
	RecordSet RecordSet
	// Cond is the condition the change was made under.
	Cond Condition
}

// Recorder is an in-memory Provider for plans and for tests of plans: `ferry
// migrate plan` steps the real engine against a Recorder seeded with what the
// real provider holds, and shows the changes it recorded, so plan and run
// cannot diverge. It is not a DNS provider (nothing is served, nothing is
// durable), and it is no stand-in for one in tests of the provider contract:
// those run against ferry's real server.
//
// It keeps the Provider contract exactly: changes are validated (the same
// errors wrapping ErrInvalid), conditions decided by Condition.Admit (the same
// *ConflictError), and a change already made is accepted without being
// recorded. It is safe for concurrent use.
type Recorder struct {
	mu      sync.Mutex
	sets    map[recorderKey]RecordSet
	changes []Recorded
}

type recorderKey struct{ name, rrtype string }

func keyOf(name, rrtype string) recorderKey {
	return recorderKey{name: CanonicalName(name), rrtype: strings.ToUpper(strings.TrimSpace(rrtype))}
}

var _ Provider = (*Recorder)(nil)

// NewRecorder returns a Recorder holding seed (copied; a later set with the
// same name and type wins). Seeding is not a change: Changes starts empty.
func NewRecorder(seed ...RecordSet) *Recorder {
	r := &Recorder{sets: map[recorderKey]RecordSet{}}
	for _, rs := range seed {
		r.sets[keyOf(rs.Name, rs.Type)] = rs.Clone()
	}
	return r
}

// Get returns a copy of the record set for name and type (Provider).
func (r *Recorder) Get(_ context.Context, name, rrtype string) (RecordSet, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := keyOf(name, rrtype)
	rs, ok := r.sets[k]
	if !ok {
		return RecordSet{}, fmt.Errorf("getting %s %s: %w", k.name, k.rrtype, ErrNotFound)
	}
	return rs.Clone(), nil
}

// Replace makes rs the record set for its name and type if cond holds
// (Provider), and records the change.
func (r *Recorder) Replace(_ context.Context, rs RecordSet, cond Condition) error {
	k := keyOf(rs.Name, rs.Type)
	rs = rs.Clone()
	rs.Name, rs.Type = k.name, k.rrtype
	if err := rs.Validate(); err != nil {
		return fmt.Errorf("replacing %s %s: %w: %w", k.name, k.rrtype, ErrInvalid, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	ok, err := cond.Admit(k.name, k.rrtype, r.current(k), &rs)
	if err != nil || !ok {
		return wrapChange("replacing", k, err)
	}
	r.sets[k] = rs
	r.changes = append(r.changes, Recorded{Op: OpReplace, RecordSet: rs.Clone(), Cond: cond})
	return nil
}

// Delete removes the record set for name and type if cond holds
// (Provider), and records the change.
func (r *Recorder) Delete(_ context.Context, name, rrtype string, cond Condition) error {
	k := keyOf(name, rrtype)
	r.mu.Lock()
	defer r.mu.Unlock()
	cur := r.current(k)
	ok, err := cond.Admit(k.name, k.rrtype, cur, nil)
	if err != nil || !ok {
		return wrapChange("deleting", k, err)
	}
	delete(r.sets, k)
	r.changes = append(r.changes, Recorded{Op: OpDelete, RecordSet: *cur, Cond: cond})
	return nil
}

// current returns a copy of the set at k, nil when there is none. r.mu is
// held.
func (r *Recorder) current(k recorderKey) *RecordSet {
	rs, ok := r.sets[k]
	if !ok {
		return nil
	}
	rs = rs.Clone()
	return &rs
}

// wrapChange names the change an error is about, unless it is a conflict,
// whose message already does.
func wrapChange(verb string, k recorderKey, err error) error {
	if err == nil || errors.Is(err, ErrConflict) {
		return err
	}
	return fmt.Errorf("%s %s %s: %w", verb, k.name, k.rrtype, err)
}

// Changes returns a copy of every change accepted so far, oldest first.
func (r *Recorder) Changes() []Recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := slices.Clone(r.changes)
	for i := range out {
		out[i].RecordSet = out[i].RecordSet.Clone()
	}
	return out
}
