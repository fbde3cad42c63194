package lease

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"ferry.dev/ferry/internal/dns"
)

// Where the lease lives and what its record looks like.
const (
	// Prefix is the label before the domain in the lease's name.
	Prefix = "_ferry-lease."
	// SetID is the id of the lease record's one set.
	SetID = "lease"
	// TTL is the lease record's TTL in seconds. The record is only ever read
	// through the provider's API, never through resolvers; it is short so
	// that a cached copy does not outlive a change by much.
	TTL = 60
)

// Lease is who holds a domain, for which migration, until when.
type Lease struct {
	// Holder names who runs the migration (host and pid, a command, any
	// string); shown to whoever is refused.
	Holder string
	// ID is the migration's id: the same id may take its own lease again
	// (a resumed migration).
	ID string
	// Expires is when the lease ends unless renewed; kept to the second.
	Expires time.Time
}

// Expired reports whether l has ended at now.
func (l Lease) Expired(now time.Time) bool { return !now.Before(l.Expires) }

// Name returns the name of domain's lease record.
func Name(domain string) string { return Prefix + dns.CanonicalName(domain) }

// Validate returns every problem with l at once.
func (l Lease) Validate() error {
	var errs []error
	if l.Holder == "" {
		errs = append(errs, errors.New("holder: must not be empty"))
	}
	if l.ID == "" {
		errs = append(errs, errors.New("id: must not be empty"))
	}
	if l.Expires.IsZero() {
		errs = append(errs, errors.New("expires: must be set"))
	}
	return errors.Join(errs...)
}

// String is the lease record's value.
func (l Lease) String() string {
	return fmt.Sprintf("holder=%s id=%s expires=%s", escape(l.Holder), escape(l.ID), l.Expires.UTC().Format(time.RFC3339))
}

// recordSet is domain's lease record holding l.
func recordSet(domain string, l Lease) dns.RecordSet {
	return dns.RecordSet{Name: Name(domain), Type: dns.TypeTXT, TTL: TTL,
		Sets: []dns.WeightedSet{{ID: SetID, Weight: 1, Values: []string{l.String()}}}}
}

// parse reads a lease record: one set with one value holding holder, id
// and expires (other keys are left for newer versions of ferry).
func parse(rs dns.RecordSet) (Lease, error) {
	if len(rs.Sets) != 1 || len(rs.Sets[0].Values) != 1 {
		return Lease{}, fmt.Errorf("reading the lease %s: want one set with one value, found %d sets", rs.Name, len(rs.Sets))
	}
	var l Lease
	var errs []error
	seen := map[string]bool{}
	for _, field := range strings.Fields(rs.Sets[0].Values[0]) {
		k, v, ok := strings.Cut(field, "=")
		if !ok {
			errs = append(errs, fmt.Errorf("%q is not key=value", field))
			continue
		}
		seen[k] = true
		if err := l.set(k, v); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", k, err))
		}
	}
	for _, k := range []string{"holder", "id", "expires"} {
		if !seen[k] {
			errs = append(errs, fmt.Errorf("%s: missing", k))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Lease{}, fmt.Errorf("reading the lease %s (%q): %w", rs.Name, rs.Sets[0].Values[0], err)
	}
	return l, nil
}

func (l *Lease) set(key, value string) error {
	var err error
	switch key {
	case "holder":
		l.Holder, err = url.PathUnescape(value)
	case "id":
		l.ID, err = url.PathUnescape(value)
	case "expires":
		l.Expires, err = time.Parse(time.RFC3339, value)
	}
	return err
}

// escape keeps a value one word of plain text: a space, '=', '%', a quote,
// a backslash, a control or non-ASCII byte becomes %XX, so the value never
// depends on how a provider quotes TXT strings.
func escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c > ' ' && c < 0x7f && !strings.ContainsRune(`=%"\`, rune(c)) {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
