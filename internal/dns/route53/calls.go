package route53

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"ferry.dev/ferry/internal/dns"
)

// Retry is how calls that Route 53 refuses for its rate limit are retried:
// Throttling (about 5 requests a second per account) and
// PriorRequestNotComplete (a change to the zone still being applied).
type Retry struct {
	// Attempts is how many times one call is tried in all (at least 1).
	Attempts int
	// Base is the backoff ceiling of the first retry; it doubles each
	// retry up to Max. Each wait is drawn uniformly below the ceiling
	// ("full jitter"), so that several ferry processes sharing an account
	// do not retry in step.
	Base, Max time.Duration
}

// backoff is the ceiling of the wait before retry n (1 for the first).
func (r Retry) backoff(n int) time.Duration {
	d := r.Base
	for i := 1; i < n && d < r.Max; i++ {
		d *= 2
	}
	return min(d, r.Max)
}

// errRateLimited marks an answer worth retrying after a backoff.
var errRateLimited = errors.New("rate limited")

// call makes one API call through fn, counting it under op, and retries
// it with jittered backoff while Route 53 answers that it is rate limited.
// Its errors are classified (classify).
func call[T any](ctx context.Context, p *Provider, op string, fn func(context.Context) (T, error)) (T, error) {
	var zero T
	for n := 1; ; n++ {
		p.count(ctx, op, n > 1)
		out, err := fn(ctx)
		if err == nil {
			return out, nil
		}
		err = classify(op, err)
		if !errors.Is(err, errRateLimited) || n >= p.opts.Retry.Attempts {
			return zero, err
		}
		t := time.NewTimer(rand.N(p.opts.Retry.backoff(n)) + time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return zero, fmt.Errorf("%s: waiting to retry: %w (last answer: %w)", op, ctx.Err(), err)
		case <-t.C:
		}
	}
}

// Route 53's error codes by what they mean for a caller.
var (
	rateLimitCodes = []string{"Throttling", "ThrottlingException", "PriorRequestNotComplete", "RequestLimitExceeded", "TooManyRequestsException"}
	authCodes      = []string{"AccessDenied", "AccessDeniedException", "InvalidClientTokenId", "SignatureDoesNotMatch",
		"UnrecognizedClientException", "ExpiredToken", "ExpiredTokenException", "InvalidSignatureException",
		"MissingAuthenticationToken", "IncompleteSignature", "NotAuthorized"}
	invalidCodes = []string{"InvalidChangeBatch", "InvalidInput", "InvalidDomainName", "InvalidArgument",
		"NoSuchHostedZone", "HostedZoneNotFound", "ValidationError"}
)

// classify turns an SDK error into ferry's taxonomy: rate limits wrap
// errRateLimited; refused credentials dns.ErrUnauthorized; the caller's
// input dns.ErrInvalid with Route 53's own message; everything else stays
// transient. Credentials never appear in SDK errors, and nothing here adds
// them.
func classify(op string, err error) error {
	var api smithy.APIError
	if errors.As(err, &api) {
		code, msg := api.ErrorCode(), api.ErrorMessage()
		switch {
		case slices.Contains(rateLimitCodes, code):
			return fmt.Errorf("%s: %w: %s: %s", op, errRateLimited, code, msg)
		case slices.Contains(authCodes, code):
			return fmt.Errorf("%s: %w: %s: %s", op, dns.ErrUnauthorized, code, msg)
		case (code == "InvalidChangeBatch" || code == "InvalidInput") && preconditionFailed(msg):
			return &batchRefused{op: op, msg: msg}
		case slices.Contains(invalidCodes, code):
			return fmt.Errorf("%s: %w: Route 53 refused it: %s: %s", op, dns.ErrInvalid, code, msg)
		}
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() == http.StatusForbidden {
		return fmt.Errorf("%s: %w: %w", op, dns.ErrUnauthorized, err)
	}
	if strings.Contains(err.Error(), "failed to retrieve credentials") || strings.Contains(err.Error(), "failed to refresh cached credentials") {
		return fmt.Errorf("%s: %w: no usable AWS credentials in the standard chain (environment, shared config and AWS_PROFILE, web identity, instance role): %w", op, dns.ErrUnauthorized, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// preconditionFailed reports whether an InvalidChangeBatch message says a
// DELETE did not match what is there, or a CREATE found something there:
// the batch's precondition failed, which is a conflict, not bad input.
func preconditionFailed(msg string) bool {
	return strings.Contains(msg, "Tried to delete resource record set") ||
		strings.Contains(msg, "Tried to create resource record set") && strings.Contains(msg, "already exists") ||
		// moto's answer to a DELETE that matches nothing it created; ferry
		// never sends a DELETE without TTL and values, the real cause.
		strings.Contains(msg, "but found none in Change with [Action=DELETE")
}

// batchRefused is a batch Route 53 refused because its precondition did
// not hold; Replace and Delete turn it into a *dns.ConflictError after a
// fresh read. Should the read show the record as it was, the refusal had
// another cause that retrying cannot fix: it then counts as dns.ErrInvalid.
type batchRefused struct{ op, msg string }

func (e *batchRefused) Error() string { return e.op + ": Route 53 refused the batch: " + e.msg }

// Unwrap makes a refusal that reaches a caller count as dns.ErrInvalid.
func (e *batchRefused) Unwrap() error { return dns.ErrInvalid }
