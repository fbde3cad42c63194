package dns

import (
	"errors"
	"fmt"
)

// ErrConflict means a change's Condition did not hold: the record set is
// not what the caller last saw. Every such error is a *ConflictError
// carrying what is there now. It does not wrap ErrTerminal, yet retrying
// the same call blindly is wrong too: the answer stays the same until
// someone changes the record again. The caller re-reads and decides (for
// ferry's migrations: drift, so pause and alert; never overwrite).
var ErrConflict = errors.New("the record set changed underneath")

// condKind says what a Condition requires; the zero value is no condition.
type condKind uint8

const (
	condNone condKind = iota
	condAlways
	condAbsent
	condMatch
)

// Condition is what a change requires the record set to be right before
// it is made. Build one with Always, IfAbsent, IfMatch or IfRevision; the
// zero Condition is refused by every provider with an error wrapping
// ErrInvalid, so that forgetting it can never mean "overwrite".
type Condition struct {
	kind condKind
	// revision is the Digest an IfMatch or IfRevision condition requires.
	revision string
	// want is the record set IfMatch was given, kept for messages and for
	// providers that need the old set itself (a Route 53 batch DELETEs it).
	want *RecordSet
}

// Always is the unconditional change: an operator's own `ferry dns set`.
func Always() Condition { return Condition{kind: condAlways} }

// IfAbsent requires that no record set exists for the name and type.
func IfAbsent() Condition { return Condition{kind: condAbsent} }

// IfMatch requires that the current record set Equals rs. rs is copied.
func IfMatch(rs RecordSet) Condition {
	c := rs.Clone()
	return Condition{kind: condMatch, revision: rs.Digest(), want: &c}
}

// IfRevision requires that the current record set's Digest is revision:
// IfMatch for a caller that holds only the digest (an operator's
// --if-match, an HTTP If-Match header). Any string is accepted; one that
// is no digest simply never matches.
func IfRevision(revision string) Condition {
	return Condition{kind: condMatch, revision: revision}
}

// Validate returns nil for a condition built by one of the constructors,
// and an error wrapping ErrInvalid for the zero Condition.
func (c Condition) Validate() error {
	if c.kind == condNone {
		return fmt.Errorf("%w: no condition (use dns.Always() to overwrite whatever is there)", ErrInvalid)
	}
	return nil
}

// Holds reports whether current satisfies c; nil current means there is
// no record set. The zero Condition never holds.
func (c Condition) Holds(current *RecordSet) bool {
	switch c.kind {
	case condAlways:
		return true
	case condAbsent:
		return current == nil
	case condMatch:
		return current != nil && current.Digest() == c.revision
	}
	return false
}

// Unconditional reports whether c is Always.
func (c Condition) Unconditional() bool { return c.kind == condAlways }

// RequiresAbsent reports whether c is IfAbsent.
func (c Condition) RequiresAbsent() bool { return c.kind == condAbsent }

// Revision returns the Digest an IfMatch or IfRevision condition
// requires, and false for every other condition.
func (c Condition) Revision() (string, bool) { return c.revision, c.kind == condMatch }

// Expected returns a copy of the record set IfMatch was given, and false
// for every other condition (IfRevision included).
func (c Condition) Expected() (RecordSet, bool) {
	if c.want == nil {
		return RecordSet{}, false
	}
	return c.want.Clone(), true
}

// String describes c for logs and error messages.
func (c Condition) String() string {
	switch c.kind {
	case condAlways:
		return "always"
	case condAbsent:
		return "if absent"
	case condMatch:
		if c.want != nil {
			return fmt.Sprintf("if it is %s", describe(c.want))
		}
		return "if it is revision " + c.revision
	}
	return "no condition"
}

// Admit is the decision every provider makes, under its write lock, about
// one change: next is the record set to write, nil to delete. It returns
// true when the change is to be made; false and nil when the change is
// already made (next Equals current, or a delete finds nothing), so that
// retrying a change whose answer was lost is not a conflict; and false and
// a *ConflictError when c does not hold. An invalid c is refused first.
func (c Condition) Admit(name, rrtype string, current, next *RecordSet) (bool, error) {
	if err := c.Validate(); err != nil {
		return false, err
	}
	switch {
	case next == nil && current == nil:
		return false, nil
	case c.Holds(current):
		return true, nil
	case next != nil && current != nil && next.Equal(*current):
		return false, nil
	}
	var cur *RecordSet
	if current != nil {
		cp := current.Clone()
		cur = &cp
	}
	return false, &ConflictError{Name: CanonicalName(name), Type: rrtype, Want: c, Current: cur}
}

// ConflictError is the error of a change whose Condition did not hold.
// errors.Is(err, ErrConflict) is true for it.
type ConflictError struct {
	Name, Type string
	// Want is the condition that did not hold.
	Want Condition
	// Current is the record set there now; nil when there is none.
	Current *RecordSet
}

func (e *ConflictError) Error() string {
	now := "there is none"
	if e.Current != nil {
		now = "it is " + describe(e.Current)
	}
	return fmt.Sprintf("%s %s changed underneath: the change was to be made %s, but %s", e.Name, e.Type, e.Want, now)
}

// Is makes every ConflictError match ErrConflict.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }
