package externaldns

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"ferry.dev/ferry/internal/dns"
)

// A record external-dns publishes from another object is taken over in
// three writes, each of one object, so that every state external-dns can
// read between them asks for either the plain record or the weighted
// sets, never both:
//
//  1. ferry's DNSEndpoint asks for the same plain record (no DNS change:
//     two objects want one record);
//  2. the other object stops asking for it, conditional on its
//     resourceVersion as read (no DNS change: ferry's still does);
//  3. ferry's DNSEndpoint asks for the weighted sets instead: external-dns
//     plans deleting the plain record and creating the sets in one
//     reconcile, which its aws provider sends as one batch (deletes first).
//
// Creating the sets first would have Route 53 refuse them beside the plain
// record, and external-dns would retry them in a batch of their own after
// the plain record's deletion: the name would go unanswered in between.
// A hand-back (rollback) runs the same writes backwards.

// foreign is the plain record external-dns publishes for name and type
// from an object other than ferry's, and its registry record; nil when
// ferry cannot read where external-dns publishes, or nothing is there. A
// record ferry may not take over is an error wrapping dns.ErrInvalid. u is
// ferry's object for the name, if any.
func (p *Provider) foreign(ctx context.Context, u *unstructured.Unstructured, name, rrtype string) (*dns.RecordSet, Owner, error) {
	if p.o.Published == nil || private(name) {
		return nil, Owner{}, nil
	}
	rs, err := p.o.Published.Get(ctx, name, rrtype)
	if errors.Is(err, dns.ErrNotFound) {
		return nil, Owner{}, nil
	}
	if err != nil {
		return nil, Owner{}, fmt.Errorf("reading what external-dns publishes for %s: %w", name, err)
	}
	o, err := p.owner(ctx, name, rrtype)
	if err != nil {
		return nil, Owner{}, err
	}
	if err := p.o.Registry.checkOwned(rs, o); err != nil {
		return nil, Owner{}, err
	}
	if o.Resource == "crd/"+p.o.Namespace+"/"+ObjectName(name, rrtype) {
		// Published from ferry's own DNSEndpoint, which holds nothing now:
		// a record handed back keeps naming it until external-dns changes
		// the record again.
		h := handoverOf(u)
		if h == nil || !h.HandedBack {
			return nil, Owner{}, fmt.Errorf("%s %s is still published from ferry's DNSEndpoint %s, which holds no record: external-dns has not caught up yet",
				name, rrtype, ObjectName(name, rrtype))
		}
		o.Resource = h.Source
	}
	return &rs, o, nil
}

// take takes over ext, the plain record external-dns publishes from the
// object owner names, and makes it rs (writes 1 to 3 above). u is ferry's
// object for the name, if any (one that handed a record back earlier).
func (p *Provider) take(ctx context.Context, u *unstructured.Unstructured, ext dns.RecordSet, owner Owner, rs dns.RecordSet) error {
	ref, err := parseSource(owner.Resource)
	if err != nil {
		return fmt.Errorf("taking over %s %s: %w", ext.Name, ext.Type, err)
	}
	src, err := p.o.Client.Resource(ref.gvr).Namespace(ref.namespace).Get(ctx, ref.name, metav1.GetOptions{})
	if err != nil {
		return classify("reading "+owner.Resource+", which external-dns publishes "+ext.Name+" from", err)
	}
	h := &Handover{Source: owner.Resource, Record: ext}
	if !take(src.DeepCopy(), ref, ext.Name, ext.Type, p.o.AnnotationPrefix, h) {
		return fmt.Errorf("%w: external-dns's registry says %s %s comes from %s, which does not publish it (under annotation prefix %q?)",
			dns.ErrInvalid, ext.Name, ext.Type, owner.Resource, p.o.AnnotationPrefix)
	}
	same := object(p.o.Namespace, p.o.Weight, ext)
	setHandover(same, h)
	if u, err = p.write(ctx, u, same); err != nil {
		return err
	}
	return p.finishTake(ctx, u, h, rs)
}

// finishTake makes writes 2 and 3 of a take whose first is made: u is
// ferry's DNSEndpoint asking for the plain record h.Record.
func (p *Provider) finishTake(ctx context.Context, u *unstructured.Unstructured, h *Handover, rs dns.RecordSet) error {
	ref, err := parseSource(h.Source)
	if err != nil {
		return err
	}
	objs := p.o.Client.Resource(ref.gvr).Namespace(ref.namespace)
	src, err := objs.Get(ctx, ref.name, metav1.GetOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return classify("reading "+h.Source, err)
	}
	fresh := &Handover{Source: h.Source, Record: h.Record}
	if err == nil && take(src, ref, h.Record.Name, h.Record.Type, p.o.AnnotationPrefix, fresh) {
		if _, err := objs.Update(ctx, src, metav1.UpdateOptions{FieldManager: p.o.FieldManager}); err != nil {
			// Changed since read (a conflict), or refused: ferry's
			// DNSEndpoint asks for the same record, so nothing moved.
			return classify("taking "+h.Record.Name+" out of "+h.Source, err)
		}
		h = fresh
	}
	want := object(p.o.Namespace, p.o.Weight, rs)
	setHandover(want, h)
	if u, err = p.write(ctx, u, want); err != nil {
		return err
	}
	return p.published(ctx, u, &rs)
}

// handBack gives a record taken over back to the object it came from:
// ferry's DNSEndpoint asks for the plain record again and it is published,
// the object asks for it again, and ferry's DNSEndpoint is emptied, its
// handover kept (HandedBack) so a later take finds the object. cur is
// what ferry's DNSEndpoint holds (nil once emptied).
func (p *Provider) handBack(ctx context.Context, u *unstructured.Unstructured, cur *dns.RecordSet, h *Handover, cond dns.Condition) error {
	rec := h.Record
	if cur == nil { // handed back already: it only has to be published
		return p.published(ctx, u, &rec)
	}
	if !cur.Equal(rec) {
		if !cond.Holds(cur) {
			return &dns.ConflictError{Name: rec.Name, Type: rec.Type, Want: cond, Current: cur}
		}
		plain := object(p.o.Namespace, p.o.Weight, rec)
		setHandover(plain, h)
		var err error
		if u, err = p.write(ctx, u, plain); err != nil {
			return err
		}
	}
	if err := p.published(ctx, u, &rec); err != nil {
		return err
	}
	if err := p.giveBack(ctx, h); err != nil {
		return err
	}
	empty := object(p.o.Namespace, p.o.Weight, dns.RecordSet{Name: rec.Name, Type: rec.Type})
	h.HandedBack = true
	setHandover(empty, h)
	_, err := p.write(ctx, u, empty)
	return err
}

// giveBack makes the object a record was taken from ask for it again.
func (p *Provider) giveBack(ctx context.Context, h *Handover) error {
	ref, err := parseSource(h.Source)
	if err != nil {
		return err
	}
	objs := p.o.Client.Resource(ref.gvr).Namespace(ref.namespace)
	src, err := objs.Get(ctx, ref.name, metav1.GetOptions{})
	if err != nil {
		return classify("reading "+h.Source+" to give "+h.Record.Name+" back", err)
	}
	changed, err := give(src, ref, h.Record.Name, h.Record.Type, h)
	if err != nil || !changed {
		return err
	}
	if _, err := objs.Update(ctx, src, metav1.UpdateOptions{FieldManager: p.o.FieldManager}); err != nil {
		return classify("giving "+h.Record.Name+" back to "+h.Source, err)
	}
	return nil
}

// write creates want, or updates u into want conditional on u's
// resourceVersion; a conflict is a *dns.ConflictError. external-dns
// writes the object's status (observedGeneration), which moves its
// resourceVersion: a conflict where only that changed is no change of
// the record, and the write is made again over the object as it is now.
func (p *Provider) write(ctx context.Context, u, want *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	var err error
	var out *unstructured.Unstructured
	for attempt := 0; ; attempt++ {
		if u == nil {
			out, err = p.objects().Create(ctx, want, metav1.CreateOptions{FieldManager: p.o.FieldManager})
		} else {
			want.SetResourceVersion(u.GetResourceVersion()) // the object as read, or a conflict
			out, err = p.objects().Update(ctx, want, metav1.UpdateOptions{FieldManager: p.o.FieldManager})
		}
		if u == nil || !apierrors.IsConflict(err) || attempt == 3 {
			break
		}
		now, gerr := p.objects().Get(ctx, u.GetName(), metav1.GetOptions{})
		if gerr != nil || !sameContent(now, u) {
			break
		}
		u = now
	}
	if apierrors.IsConflict(err) || apierrors.IsAlreadyExists(err) {
		name, rrtype, _ := strings.Cut(want.GetAnnotations()[RecordAnnotation], " ")
		_, now, rerr := p.current(ctx, name, rrtype)
		return nil, errors.Join(&dns.ConflictError{Name: name, Type: rrtype, Want: asRead(u), Current: now}, rerr)
	}
	if err != nil {
		return nil, classify("writing DNSEndpoint "+want.GetName(), err)
	}
	return out, nil
}

// asRead is the condition a write over u stands on: u's record set as
// read, or none.
func asRead(u *unstructured.Unstructured) dns.Condition {
	if u != nil {
		if rs, err := recordSet(u); err == nil && len(rs.Sets) > 0 {
			return dns.IfMatch(rs)
		}
	}
	return dns.IfAbsent()
}

// sameContent reports whether two reads of a DNSEndpoint hold the same
// record: the same spec, labels and annotations, whatever their status.
func sameContent(a, b *unstructured.Unstructured) bool {
	return equality.Semantic.DeepEqual(a.Object["spec"], b.Object["spec"]) &&
		equality.Semantic.DeepEqual(a.GetLabels(), b.GetLabels()) &&
		equality.Semantic.DeepEqual(a.GetAnnotations(), b.GetAnnotations())
}
