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

// Get returns the record set ferry's DNSEndpoint for name and type holds.
func (p *Provider) Get(ctx context.Context, name, rrtype string) (dns.RecordSet, error) {
	u, err := p.objects().Get(ctx, ObjectName(name, rrtype), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return dns.RecordSet{}, fmt.Errorf("getting %s %s: %w", name, rrtype, dns.ErrNotFound)
	}
	if err != nil {
		return dns.RecordSet{}, classify("getting DNSEndpoint "+ObjectName(name, rrtype), err)
	}
	return recordSet(u)
}

// current is the object for name and type and its record set, nil when
// there is none.
func (p *Provider) current(ctx context.Context, name, rrtype string) (*unstructured.Unstructured, *dns.RecordSet, error) {
	u, err := p.objects().Get(ctx, ObjectName(name, rrtype), metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		return nil, nil, nil
	case err != nil:
		return nil, nil, classify("getting DNSEndpoint "+ObjectName(name, rrtype), err)
	}
	rs, err := recordSet(u)
	if err != nil {
		return nil, nil, err
	}
	return u, &rs, nil
}

// Replace writes rs into ferry's DNSEndpoint if cond holds, then waits for
// external-dns to publish it (dns.Provider).
func (p *Provider) Replace(ctx context.Context, rs dns.RecordSet, cond dns.Condition) error {
	if err := errors.Join(cond.Validate(), rs.Validate()); err != nil {
		return fmt.Errorf("%w: %w", dns.ErrInvalid, err)
	}
	u, cur, err := p.current(ctx, rs.Name, rs.Type)
	if err != nil {
		return err
	}
	want := object(p.o.Namespace, p.o.Weight, rs)
	switch {
	case cur != nil && cur.Equal(rs):
		return p.published(ctx, u, &rs) // already made: it only has to be published
	case !cond.Holds(cur):
		return &dns.ConflictError{Name: rs.Name, Type: rs.Type, Want: cond, Current: cur}
	case u == nil:
		u, err = p.objects().Create(ctx, want, metav1.CreateOptions{FieldManager: p.o.FieldManager})
	default:
		want.SetResourceVersion(u.GetResourceVersion()) // the object as read, or a conflict
		u, err = p.objects().Update(ctx, want, metav1.UpdateOptions{FieldManager: p.o.FieldManager})
	}
	if apierrors.IsConflict(err) || apierrors.IsAlreadyExists(err) {
		_, now, rerr := p.current(ctx, rs.Name, rs.Type)
		return errors.Join(&dns.ConflictError{Name: rs.Name, Type: rs.Type, Want: cond, Current: now}, rerr)
	}
	if err != nil {
		return classify("writing DNSEndpoint "+want.GetName(), err)
	}
	return p.published(ctx, u, &rs)
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
