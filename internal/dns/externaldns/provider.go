package externaldns

import (
	"context"
	"errors"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

	"ferry.dev/ferry/internal/dns"
)

// Options configure a Provider.
type Options struct {
	Client    dynamic.Interface
	Namespace string
	// Published, when set, is the DNS provider external-dns publishes into:
	// a change counts as made once it reads back there. Without it, once
	// external-dns has read the object (status.observedGeneration).
	Published dns.Provider
	// Wait bounds how long external-dns may take to publish a change
	// (default 2m); Poll is how often ferry looks (default 500ms).
	Wait, Poll time.Duration
	// FieldManager names ferry's writes (default "ferry").
	FieldManager string
	// Weight is the property external-dns's provider reads weights from:
	// AWSWeight (default; external-dns --provider=aws, Route 53) or
	// WebhookWeight (--provider=webhook, ferry's DNS server).
	Weight string
	// Registry is external-dns's TXT registry: with Published, a record
	// external-dns already publishes from another object (an Ingress, a
	// DNSEndpoint ferry did not write) is taken over through external-dns
	// when Registry.OwnerID owns it, and refused otherwise.
	Registry Registry
	// AnnotationPrefix is external-dns's --annotation-prefix, under which
	// ferry edits an Ingress it takes a record from.
	AnnotationPrefix string
}

// Provider shifts record sets through external-dns (dns.Provider).
type Provider struct{ o Options }

var _ dns.Provider = (*Provider)(nil)

// New returns a provider writing DNSEndpoints with o.
func New(o Options) *Provider {
	if o.Wait == 0 {
		o.Wait = 2 * time.Minute
	}
	if o.Poll == 0 {
		o.Poll = 500 * time.Millisecond
	}
	if o.FieldManager == "" {
		o.FieldManager = ManagedBy
	}
	if o.Weight == "" {
		o.Weight = AWSWeight
	}
	return &Provider{o: o}
}

func (p *Provider) objects() dynamic.ResourceInterface {
	return p.o.Client.Resource(GVR).Namespace(p.o.Namespace)
}

// Get returns the record set ferry's DNSEndpoint for name and type holds,
// or, when it holds none and ferry can read where external-dns publishes,
// the plain record external-dns publishes there from another object, if
// ferry may take it over (see Replace); one it may not is refused with
// dns.ErrInvalid saying why.
func (p *Provider) Get(ctx context.Context, name, rrtype string) (dns.RecordSet, error) {
	u, cur, err := p.current(ctx, name, rrtype)
	if err != nil {
		return dns.RecordSet{}, err
	}
	if cur != nil {
		return *cur, nil
	}
	ext, _, err := p.foreign(ctx, u, name, rrtype)
	switch {
	case err != nil:
		return dns.RecordSet{}, err
	case ext == nil:
		return dns.RecordSet{}, fmt.Errorf("getting %s %s: %w", name, rrtype, dns.ErrNotFound)
	}
	return *ext, nil
}

// current is ferry's object for name and type and its record set: both
// nil when there is no object, the record set nil when it holds no
// endpoints (a record handed back).
func (p *Provider) current(ctx context.Context, name, rrtype string) (*unstructured.Unstructured, *dns.RecordSet, error) {
	u, err := p.objects().Get(ctx, ObjectName(name, rrtype), metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		return nil, nil, nil
	case err != nil:
		return nil, nil, classify("getting DNSEndpoint "+ObjectName(name, rrtype), err)
	}
	rs, err := recordSet(u)
	if err != nil || len(rs.Sets) == 0 {
		return u, nil, err
	}
	return u, &rs, nil
}

// Replace writes rs into ferry's DNSEndpoint if cond holds, then waits for
// external-dns to publish it (dns.Provider).
//
// A plain record external-dns publishes from another object is taken
// over through external-dns (take), and a write of its values alone over
// a record taken over hands it back (handBack): its answer is then the
// plain record it was, which resolves exactly like rs.
func (p *Provider) Replace(ctx context.Context, rs dns.RecordSet, cond dns.Condition) error {
	if err := errors.Join(cond.Validate(), rs.Validate()); err != nil {
		return fmt.Errorf("%w: %w", dns.ErrInvalid, err)
	}
	u, cur, err := p.current(ctx, rs.Name, rs.Type)
	if err != nil {
		return err
	}
	if done, err := p.handover(ctx, u, cur, rs, cond); done {
		return err
	}
	want := object(p.o.Namespace, p.o.Weight, rs)
	if h := handoverOf(u); h != nil && !h.HandedBack {
		setHandover(want, h) // kept until the record is handed back
	}
	switch {
	case cur != nil && cur.Equal(rs):
		return p.published(ctx, u, &rs) // already made: it only has to be published
	case !cond.Holds(cur):
		return &dns.ConflictError{Name: rs.Name, Type: rs.Type, Want: cond, Current: cur}
	}
	if u, err = p.write(ctx, u, want); err != nil {
		return err
	}
	return p.published(ctx, u, &rs)
}

// handover makes the changes of Replace that take a record over from
// another object or hand it back; done is false for any other change.
func (p *Provider) handover(ctx context.Context, u *unstructured.Unstructured, cur *dns.RecordSet, rs dns.RecordSet, cond dns.Condition) (done bool, err error) {
	h := handoverOf(u)
	if h != nil && h.restores(rs) && (!h.HandedBack || cur == nil) {
		return true, p.handBack(ctx, u, cur, h, cond)
	}
	if cur == nil {
		ext, owner, err := p.foreign(ctx, u, rs.Name, rs.Type)
		switch {
		case err != nil:
			return true, err
		case ext != nil && !cond.Holds(ext):
			return true, &dns.ConflictError{Name: rs.Name, Type: rs.Type, Want: cond, Current: ext}
		case ext != nil:
			return true, p.take(ctx, u, *ext, owner, rs)
		}
	}
	if h != nil && !h.HandedBack && cur != nil && cur.Equal(h.Record) && cond.Holds(cur) {
		return true, p.finishTake(ctx, u, h, rs) // a take stopped half-way
	}
	return false, nil
}

// Delete removes ferry's DNSEndpoint for name and type if cond holds, and
// waits for the record to be gone where it was published (dns.Provider).
func (p *Provider) Delete(ctx context.Context, name, rrtype string, cond dns.Condition) error {
	if err := cond.Validate(); err != nil {
		return err
	}
	u, cur, err := p.current(ctx, name, rrtype)
	switch {
	case err != nil:
		return err
	case cur == nil:
		return nil
	case !cond.Holds(cur):
		return &dns.ConflictError{Name: name, Type: rrtype, Want: cond, Current: cur}
	}
	rv := u.GetResourceVersion()
	err = p.objects().Delete(ctx, u.GetName(), metav1.DeleteOptions{Preconditions: &metav1.Preconditions{ResourceVersion: &rv}})
	if apierrors.IsConflict(err) {
		_, now, rerr := p.current(ctx, name, rrtype)
		return errors.Join(&dns.ConflictError{Name: name, Type: rrtype, Want: cond, Current: now}, rerr)
	}
	if err != nil && !apierrors.IsNotFound(err) {
		return classify("deleting DNSEndpoint "+u.GetName(), err)
	}
	return p.published(ctx, nil, &dns.RecordSet{Name: name, Type: rrtype})
}
