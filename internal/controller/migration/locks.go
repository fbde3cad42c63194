package migration

import (
	"fmt"
	"sync"
)

// locks is the session's local lock: one runner per domain in this
// process (two Migration objects of one domain). Across processes the
// Lease of leader election and the domain's ownership lease guard it.
type locks struct {
	mu   sync.Mutex
	held map[string]string // domain → object
}

func (l *locks) lock(domain, owner string) (func() error, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held == nil {
		l.held = map[string]string{}
	}
	if o, ok := l.held[domain]; ok && o != owner {
		return nil, fmt.Errorf("the domain %s is migrated by Migration %s", domain, o)
	}
	l.held[domain] = owner
	return func() error {
		l.mu.Lock()
		defer l.mu.Unlock()
		delete(l.held, domain)
		return nil
	}, nil
}
