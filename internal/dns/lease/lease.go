package lease

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"ferry.dev/ferry/internal/dns"
)

// ErrLost means a held lease changed underneath its holder: someone took
// it over (after it expired, or by force) or removed it. The holder must
// stop changing the domain's records.
var ErrLost = errors.New("the lease was taken over")

// HeldError refuses an Acquire because another migration holds the
// domain: an unexpired lease with another id, or a concurrent Acquire that
// won the race. Use errors.As.
type HeldError struct {
	Domain string
	// Lease is the other holder's lease.
	Lease Lease
}

func (e *HeldError) Error() string {
	return fmt.Sprintf("%s is being migrated by %s (migration %s, lease until %s): one migration per domain; wait for it to end or its lease to expire, or take the lease over by force",
		e.Domain, e.Lease.Holder, e.Lease.ID, e.Lease.Expires.UTC().Format(time.RFC3339))
}

// Read returns domain's lease, and false when there is none. A lease
// record that cannot be read is an error (it is still somebody's record).
func Read(ctx context.Context, p dns.Provider, domain string) (Lease, bool, error) {
	rs, err := p.Get(ctx, Name(domain), dns.TypeTXT)
	if errors.Is(err, dns.ErrNotFound) {
		return Lease{}, false, nil
	}
	if err != nil {
		return Lease{}, false, fmt.Errorf("reading the lease of %s: %w", dns.CanonicalName(domain), err)
	}
	l, err := parse(rs)
	if err != nil {
		return Lease{}, false, err
	}
	return l, true, nil
}

// Acquire writes want as domain's lease and returns it held. It writes
// only over what it read: with no lease there, if there still is none;
// over an expired lease, a lease with want.ID (a resumed migration) or,
// with force, any lease (an unreadable one included), only if it is still
// the one read. Any other lease there refuses it with a *HeldError, and so
// does a concurrent Acquire that wrote first. want.Expires must be after
// now; the held lease renews for the same duration.
func Acquire(ctx context.Context, p dns.Provider, domain string, want Lease, force bool, now time.Time) (*Held, error) {
	domain = dns.CanonicalName(domain)
	want.Expires = want.Expires.UTC().Truncate(time.Second)
	if err := want.Validate(); err != nil {
		return nil, fmt.Errorf("acquiring the lease of %s: %w: %w", domain, dns.ErrInvalid, err)
	}
	if !want.Expires.After(now) {
		return nil, fmt.Errorf("acquiring the lease of %s: %w: expires: %s is not after now (%s)", domain, dns.ErrInvalid,
			want.Expires.Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	cond, err := takeover(ctx, p, domain, want.ID, force, now)
	if err != nil {
		return nil, err
	}
	rs := recordSet(domain, want)
	if err := p.Replace(ctx, rs, cond); err != nil {
		return nil, lostRace(domain, err)
	}
	return &Held{p: p, domain: domain, last: rs, lease: want, term: want.Expires.Sub(now)}, nil
}

// takeover decides the condition Acquire writes under, from what is there.
func takeover(ctx context.Context, p dns.Provider, domain, id string, force bool, now time.Time) (dns.Condition, error) {
	rs, err := p.Get(ctx, Name(domain), dns.TypeTXT)
	switch {
	case errors.Is(err, dns.ErrNotFound):
		return dns.IfAbsent(), nil
	case err != nil:
		return dns.Condition{}, fmt.Errorf("reading the lease of %s: %w", domain, err)
	}
	old, perr := parse(rs)
	switch {
	case force, perr == nil && (old.ID == id || old.Expired(now)):
		return dns.IfMatch(rs), nil
	case perr != nil:
		return dns.Condition{}, fmt.Errorf("%w; take it over by force if it is no longer in use", perr)
	}
	return dns.Condition{}, &HeldError{Domain: domain, Lease: old}
}

// lostRace turns a conflict (another Acquire wrote first) into a HeldError
// naming the winner. A lease removed or unreadable in between stays the
// conflict it is (errors.Is dns.ErrConflict): try again.
func lostRace(domain string, err error) error {
	var conflict *dns.ConflictError
	if errors.As(err, &conflict) && conflict.Current != nil {
		if l, perr := parse(*conflict.Current); perr == nil {
			return &HeldError{Domain: domain, Lease: l}
		}
	}
	return fmt.Errorf("acquiring the lease of %s: %w", domain, err)
}

// Held is a lease this process wrote. Its methods are safe for concurrent
// use.
type Held struct {
	p      dns.Provider
	domain string
	term   time.Duration

	mu    sync.Mutex
	last  dns.RecordSet // exactly what was last written
	lease Lease
}

// Lease returns the lease as last written.
func (h *Held) Lease() Lease {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.lease
}

// Renew moves the expiry to now plus the term the lease was acquired for,
// only if the record is still exactly what h last wrote; otherwise it
// changes nothing and returns an error wrapping ErrLost that names who has
// it now. Other errors (the provider unreachable) leave the lease held.
func (h *Held) Renew(ctx context.Context, now time.Time) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	next := h.lease
	next.Expires = now.Add(h.term).UTC().Truncate(time.Second)
	rs := recordSet(h.domain, next)
	if err := h.p.Replace(ctx, rs, dns.IfMatch(h.last)); err != nil {
		return h.lost("renewing", err)
	}
	h.last, h.lease = rs, next
	return nil
}

// Release removes the lease, only if it is still exactly what h last
// wrote. A lease taken over in the meantime is left alone, and Release
// returns an error wrapping ErrLost; one already gone is released.
func (h *Held) Release(ctx context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.p.Delete(ctx, Name(h.domain), dns.TypeTXT, dns.IfMatch(h.last)); err != nil {
		return h.lost("releasing", err)
	}
	return nil
}

// lost names the new holder of a lease that changed underneath.
func (h *Held) lost(verb string, err error) error {
	var conflict *dns.ConflictError
	if !errors.As(err, &conflict) {
		return fmt.Errorf("%s the lease of %s: %w", verb, h.domain, err)
	}
	now := "it was removed"
	if conflict.Current != nil {
		if l, perr := parse(*conflict.Current); perr == nil {
			now = fmt.Sprintf("it is held by %s (migration %s) until %s", l.Holder, l.ID, l.Expires.Format(time.RFC3339))
		} else {
			now = perr.Error()
		}
	}
	return fmt.Errorf("%s the lease of %s: %w: %s", verb, h.domain, ErrLost, now)
}
