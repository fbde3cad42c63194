package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	utilnet "k8s.io/apimachinery/pkg/util/net"
)

// Transient reports whether err is worth retrying: the apiserver was
// unreachable, restarting, overloaded or timed out. Invalid objects,
// forbidden requests and field-manager conflicts are terminal.
func Transient(err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	case apierrors.IsServerTimeout(err), apierrors.IsTooManyRequests(err),
		apierrors.IsInternalError(err), apierrors.IsServiceUnavailable(err),
		apierrors.IsTimeout(err), apierrors.IsUnexpectedServerError(err):
		return true
	case utilnet.IsConnectionRefused(err), utilnet.IsConnectionReset(err), utilnet.IsProbableEOF(err),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EPIPE):
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return true
	}
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		code := status.Status().Code
		return code >= 500 || code == 429
	}
	return false
}

// backoff bounds retries: doubling from first to most, at most attempts.
type backoff struct {
	first, most time.Duration
	attempts    int
}

// retry runs fn until it succeeds, fails terminally, the attempts run out
// or ctx ends; notify (may be nil) hears about each transient failure.
func retry(ctx context.Context, b backoff, notify func(error), fn func(context.Context) error) error {
	wait := b.first
	var err error
	for range b.attempts {
		if err = fn(ctx); !Transient(err) {
			return err
		}
		if notify != nil {
			notify(err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (gave up retrying: %w)", err, ctx.Err())
		case <-time.After(wait):
		}
		wait = min(2*wait, b.most)
	}
	return fmt.Errorf("%w (gave up after %d attempts)", err, b.attempts)
}
