package externaldns

import (
	"context"
	"errors"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"ferry.dev/ferry/internal/dns"
)

// ErrNotPublished means external-dns did not publish a change in time. It
// may be transient (external-dns restarting); the message says what to
// check when it is not.
var ErrNotPublished = errors.New("external-dns has not published the change")

// published waits until external-dns has published want (u is the object
// as written; nil when it was deleted, want then only names the record).
func (p *Provider) published(ctx context.Context, u *unstructured.Unstructured, want *dns.RecordSet) error {
	if private(want.Name) {
		return nil // ferry's own: nothing to publish
	}
	ctx, cancel := context.WithTimeout(ctx, p.o.Wait)
	defer cancel()
	t := time.NewTicker(p.o.Poll)
	defer t.Stop()
	var last string
	for {
		done, why, err := p.check(ctx, u, want)
		if done || err != nil {
			return err
		}
		last = why
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w: %s %s within %v (%s): is external-dns running with --source=crd, watching namespace %s?",
				ErrNotPublished, want.Name, want.Type, p.o.Wait, last, p.o.Namespace)
		case <-t.C:
		}
	}
}

// check reports whether want is published, or why not yet.
func (p *Provider) check(ctx context.Context, u *unstructured.Unstructured, want *dns.RecordSet) (bool, string, error) {
	if u != nil && p.o.Published == nil {
		now, err := p.objects().Get(ctx, u.GetName(), metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return false, "", fmt.Errorf("%w: DNSEndpoint %s was deleted while waiting", dns.ErrConflict, u.GetName())
		}
		if err != nil {
			return false, err.Error(), nil
		}
		g := observed(now)
		return g >= u.GetGeneration(), fmt.Sprintf("observedGeneration %d of %d", g, u.GetGeneration()), nil
	}
	if p.o.Published == nil {
		return true, "", nil // a deletion with nowhere to read it back
	}
	got, err := p.o.Published.Get(ctx, want.Name, want.Type)
	switch {
	case u == nil && errors.Is(err, dns.ErrNotFound):
		return true, "", nil
	case u == nil:
		return false, "still published", nil
	case err != nil:
		return false, "not published yet: " + err.Error(), nil
	case !got.Equal(*want):
		return false, "published as " + describe(got), nil
	}
	return true, "", nil
}

func describe(rs dns.RecordSet) string {
	s := ""
	for _, w := range rs.Sets {
		s += fmt.Sprintf(" %s=%d", w.ID, w.Weight)
	}
	return rs.Name + s
}

// classify wraps an API error: refusals of the caller's input or rights
// are terminal; anything else may be transient.
func classify(what string, err error) error {
	switch {
	case apierrors.IsUnauthorized(err) || apierrors.IsForbidden(err):
		return fmt.Errorf("%s: %w: %w", what, dns.ErrUnauthorized, err)
	case apierrors.IsInvalid(err) || apierrors.IsBadRequest(err):
		return fmt.Errorf("%s: %w: %w", what, dns.ErrInvalid, err)
	case apierrors.IsNotFound(err):
		return fmt.Errorf("%s: the DNSEndpoint resource is not installed (external-dns's CRD): %w: %w", what, dns.ErrTerminal, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}
