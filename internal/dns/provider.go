package dns

import (
	"context"
	"errors"
)

// ErrNotFound means the name and type hold no records. Get returns it;
// callers use errors.Is.
var ErrNotFound = errors.New("record set not found")

// ErrInvalid wraps every error caused by the caller's input (a bad weight, a
// name outside the provider's zones, a CNAME beside other records). Retrying
// the same call cannot succeed.
var ErrInvalid = errors.New("invalid record set")

// Provider reads and replaces weighted record sets at one DNS provider.
//
// Contract:
//   - Get returns the whole RecordSet for name and type, or an error wrapping
//     ErrNotFound when there is none.
//   - Replace makes rs the complete answer for rs.Name and rs.Type in one
//     atomic step: a resolver sees either the old sets or the new ones, never
//     a mixture. It returns only after the provider has accepted the change
//     durably. Errors caused by rs wrap ErrInvalid; any other error may be
//     transient and the call may be retried, since Replace is idempotent.
//   - Delete removes every set for name and type; deleting what is not there
//     is not an error.
//
// Names are fully qualified; implementations compare them case-insensitively.
type Provider interface {
	Get(ctx context.Context, name, rrtype string) (RecordSet, error)
	Replace(ctx context.Context, rs RecordSet) error
	Delete(ctx context.Context, name, rrtype string) error
}
