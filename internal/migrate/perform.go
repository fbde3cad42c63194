package migrate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"ferry.dev/ferry/internal/dns"
)

// perform carries out one action and reports its outcome as an input.
func (e *Executor) perform(ctx context.Context, s State, a Action, sensors Sensors) Input {
	switch a.Kind {
	case RunParity:
		n, detail := sensors.Parity(ctx)
		return ActionDone{ID: a.ID, Mismatches: n, Detail: detail, Now: e.Now()}
	case CallHooks:
		return e.callHooks(ctx, s, a)
	}
	if e.refused && e.Connect != nil {
		p, err := e.Connect()
		if err != nil {
			e.Logger.Warn("connecting to the DNS provider again", "domain", s.Config.Domain, "error", err)
			return ActionFailed{ID: a.ID, Err: "connecting to the DNS provider again: " + err.Error(), Terminal: true,
				Fix: "check migration.dns", Now: e.Now()}
		}
		e.mu.Lock()
		e.Provider, e.refused = p, false
		e.mu.Unlock()
	}
	start := e.Now()
	p := e.provider()
	tally := &dns.Tally{}
	err := p.Replace(dns.WithTally(ctx, tally), *a.Set, condition(a.Expect))
	calls := e.countCalls(p, a.ID, tally, err == nil)
	if err != nil {
		return e.failure(s, a, err, calls)
	}
	e.Logger.Info("DNS changed", append([]any{"name", a.Set.Name, "type", a.Set.Type, "ttl", a.Set.TTL,
		"sets", fmt.Sprint(a.Set.Weights()), "action", string(a.Kind), "took", e.Now().Sub(start).String()}, callAttrs(calls)...)...)
	return ActionDone{ID: a.ID, Now: e.Now(), Calls: calls}
}

// countCalls adds the calls one attempt at action id took to those of its
// earlier attempts, and returns the sum so far; it forgets them once the
// action is done. It returns nil for a provider that does not count its
// calls (dns.CallCounter): zero would be a claim, not a count.
func (e *Executor) countCalls(p dns.Provider, id int, t *dns.Tally, done bool) *dns.Calls {
	if _, ok := p.(dns.CallCounter); !ok {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.calls == nil {
		e.calls = map[int]dns.Calls{}
	}
	sum := e.calls[id].Add(t.Calls())
	e.calls[id] = sum
	if done {
		delete(e.calls, id)
	}
	return &sum
}

// callAttrs are the log attributes of a change's API calls.
func callAttrs(c *dns.Calls) []any {
	if c == nil {
		return nil
	}
	return []any{"calls", c.Total(), "retries", c.Retries}
}

func (e *Executor) provider() dns.Provider {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.Provider
}

// condition is the precondition of a change expecting seen.
func condition(seen *Seen) dns.Condition {
	if seen == nil || !seen.Exists {
		return dns.IfAbsent()
	}
	return dns.IfMatch(*seen.Set)
}

// failure turns a provider error into the engine's input.
func (e *Executor) failure(s State, a Action, err error, calls *dns.Calls) Input {
	f := ActionFailed{ID: a.ID, Err: err.Error(), Now: e.Now()}
	var conflict *dns.ConflictError
	switch {
	case errors.As(err, &conflict):
		found := Seen{}
		if conflict.Current != nil {
			found = SeenSet(*conflict.Current)
		}
		f.Conflict = &found
		e.Logger.Warn("DNS change refused: the record is not what ferry last saw", append([]any{"domain", s.Config.Domain,
			"action", string(a.Kind), "found", found.String()}, callAttrs(calls)...)...)
	default:
		e.Logger.Warn("DNS change failed", append([]any{"domain", s.Config.Domain, "action", string(a.Kind), "error", err}, callAttrs(calls)...)...)
		if cause, fix, ok := Refusal(err); ok {
			f.Err, f.Terminal, f.Fix = cause+": "+f.Err, true, fix
			e.refused = true
		}
	}
	return f
}

// observeLoop reads the records the migration owns every ObserveEvery and
// reports them; the engine ignores a read while a change is in flight.
func (e *Executor) observeLoop(ctx context.Context, cfg Config, out chan<- Input) {
	rrtype, _ := cfg.RecordType()
	names := []string{cfg.Domain}
	if cfg.PreviewDomain != "" {
		names = append(names, cfg.PreviewDomain)
	}
	t := time.NewTicker(e.ObserveEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for _, name := range names {
			at := e.Now()
			seen, err := Read(ctx, e.provider(), name, rrtype)
			if err != nil {
				continue // an unreachable provider shows in the next change's outcome
			}
			select {
			case out <- Observed{Name: name, Record: seen, At: at}:
			case <-ctx.Done():
				return
			}
		}
	}
}

// Refusal describes for an operator an error that wraps dns.ErrTerminal:
// what the provider objected to and what to check. ok is false for every
// other error, which may be transient.
func Refusal(err error) (cause, fix string, ok bool) {
	switch {
	case !errors.Is(err, dns.ErrTerminal):
		return "", "", false
	case errors.Is(err, dns.ErrUnauthorized):
		return "unauthorized", "check migration.dns.tokenFile", true
	case errors.Is(err, dns.ErrInvalid):
		return "invalid record set", "check the migration settings (`ferry migrate plan` shows every record it writes)", true
	}
	return "not the DNS provider's API", "check migration.dns.server (the base URL of the DNS admin API)", true
}
