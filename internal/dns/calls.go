package dns

import (
	"context"
	"maps"
	"sync"
)

// Calls counts the API calls a provider made, by operation
// ("ChangeResourceRecordSets", "GetChange", …), retries included; Retries
// counts the retries alone (calls the provider sent again after a rate
// limit or a transient answer).
type Calls struct {
	ByOp    map[string]int `json:"byOp,omitempty"`
	Retries int            `json:"retries"`
}

// Total is the number of API calls.
func (c Calls) Total() int {
	n := 0
	for _, v := range c.ByOp {
		n += v
	}
	return n
}

// Add returns c with o's counts added. Neither is changed.
func (c Calls) Add(o Calls) Calls {
	out := Calls{ByOp: maps.Clone(c.ByOp), Retries: c.Retries + o.Retries}
	if out.ByOp == nil && len(o.ByOp) > 0 {
		out.ByOp = map[string]int{}
	}
	for op, n := range o.ByOp {
		out.ByOp[op] += n
	}
	return out
}

// CallCounter is a Provider that counts the API calls it makes (an
// optional ability, found by type assertion). Calls returns the counts
// since the provider was built; every call made under a context from
// WithTally is also counted into that Tally, so a caller can tell the
// calls of one change from those of others running at the same time (a
// lease renewal, a read-back).
type CallCounter interface {
	Calls() Calls
}

// Tally collects the calls made under one context. The zero value is
// ready; it is safe for concurrent use.
type Tally struct {
	mu sync.Mutex
	c  Calls
}

// Count adds one call of op (a retry when retry is set).
func (t *Tally) Count(op string, retry bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.c.ByOp == nil {
		t.c.ByOp = map[string]int{}
	}
	t.c.ByOp[op]++
	if retry {
		t.c.Retries++
	}
}

// Calls returns a copy of the counts so far.
func (t *Tally) Calls() Calls {
	t.mu.Lock()
	defer t.mu.Unlock()
	return Calls{ByOp: maps.Clone(t.c.ByOp), Retries: t.c.Retries}
}

type tallyKey struct{}

// WithTally returns ctx carrying t: a CallCounter counts every call it
// makes under the returned context into t as well.
func WithTally(ctx context.Context, t *Tally) context.Context {
	return context.WithValue(ctx, tallyKey{}, t)
}

// TallyOf returns the Tally ctx carries, nil when none. Providers that
// count calls add each one to it.
func TallyOf(ctx context.Context) *Tally {
	t, _ := ctx.Value(tallyKey{}).(*Tally)
	return t
}
