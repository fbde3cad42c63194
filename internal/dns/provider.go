package dns

import (
	"context"
	"errors"
)

// ErrNotFound means the name and type hold no records. Get returns it;
// callers use errors.Is. It is an answer, not a failure: it does not wrap
// ErrTerminal.
var ErrNotFound = errors.New("record set not found")

// ErrTerminal is wrapped by every error that retrying the same call cannot
// fix: the caller's input (ErrInvalid), refused credentials
// (ErrUnauthorized), an address that is not the provider's API. A caller
// that retries failed calls must stop on it (errors.Is(err, ErrTerminal))
// and report it; any other error may be transient.
var ErrTerminal = errors.New("retrying cannot help")

// ErrInvalid wraps every error caused by the caller's input (a bad weight, a
// name outside the provider's zones, a CNAME beside other records, a
// missing Condition, a provider's settings). It wraps ErrTerminal: retrying
// the same call cannot succeed.
var ErrInvalid error = &terminalError{msg: "invalid input"}

// ErrUnauthorized means the provider refused the caller's credentials
// (a missing or wrong token, or not allowed to change the record). It wraps
// ErrTerminal: retrying with the same credentials cannot succeed.
var ErrUnauthorized error = &terminalError{msg: "the DNS provider refused the credentials"}

// terminalError is a sentinel that errors.Is also matches to ErrTerminal.
type terminalError struct{ msg string }

func (e *terminalError) Error() string { return e.msg }

// Is makes every terminalError count as ErrTerminal.
func (e *terminalError) Is(target error) bool { return target == ErrTerminal }

// Provider reads and changes weighted record sets at one DNS provider.
//
// Contract:
//   - Get returns the whole RecordSet for name and type, or an error wrapping
//     ErrNotFound when there is none. ErrNotFound means the provider answered
//     that the record set does not exist, never that the provider could not
//     be reached or the address is wrong.
//   - Replace makes rs the complete answer for rs.Name and rs.Type, and
//     Delete removes every set for name and type, each only if cond holds
//     for the record set there right before (Condition.Holds). Checking cond
//     and making the change are one atomic step: no other change can come
//     between them, and a resolver sees either the old sets or the new
//     ones, never a mixture. A change returns only after the provider has
//     accepted it durably. rs must pass Validate (a TTL of at least 1
//     included).
//   - When cond does not hold, nothing changes and the error is a
//     *ConflictError (errors.Is ErrConflict) carrying the record set there
//     now (nil: none). It is neither transient nor terminal: retrying the
//     same call gets the same answer; re-read and decide. Always() never
//     conflicts; the zero Condition is refused with ErrInvalid.
//   - A change that is already made succeeds without changing anything,
//     whatever cond says: a Replace whose rs Equals what is there, a Delete
//     of what is not there. So a call whose answer was lost may be retried,
//     and a retry of a conditional change that did succeed is not a conflict.
//     (Providers implement all of this with Condition.Admit.)
//
// Errors of every method: those caused by the arguments wrap ErrInvalid;
// refused credentials wrap ErrUnauthorized; both, and anything else retrying
// cannot fix, wrap ErrTerminal. Apart from ErrConflict, any other error may
// be transient and the call may be retried: all three methods are idempotent.
//
// Names are fully qualified; implementations compare them case-insensitively.
type Provider interface {
	Get(ctx context.Context, name, rrtype string) (RecordSet, error)
	Replace(ctx context.Context, rs RecordSet, cond Condition) error
	Delete(ctx context.Context, name, rrtype string, cond Condition) error
}

// Lister is a Provider that can list every record set it holds (an
// optional ability, found by type assertion): `ferry dns list`. List
// returns them sorted by name, then type. Record sets ferry's model cannot
// represent (another record type, a routing policy ferry does not drive)
// are left out: Get on one of them names why.
type Lister interface {
	List(ctx context.Context) ([]RecordSet, error)
}

// Prechecker is a Provider with rules of its own beyond RecordSet.Validate
// (an optional ability, found by type assertion): Precheck reports,
// changing nothing, every rule writing rs now would break — those that
// depend on what else the zone holds included — each error wrapping
// ErrInvalid. `ferry migrate plan` runs it on every record set a
// migration will write.
type Prechecker interface {
	Precheck(ctx context.Context, rs RecordSet) error
}
