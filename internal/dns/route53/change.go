package route53

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/route53/rrsets"
)

// group is one name and type as ListResourceRecordSets returned it.
type group struct {
	zone         zone
	name, rrtype string
	// raw are the record sets exactly as listed: a batch DELETEs these.
	raw []types.ResourceRecordSet
	// others are the other types at the same name (the CNAME rules).
	others []string
}

// current maps the group to ferry's model; nil when there is nothing.
func (g group) current() (*dns.RecordSet, error) {
	if len(g.raw) == 0 {
		return nil, nil
	}
	rs, err := rrsets.From(g.name, g.rrtype, g.raw)
	if err != nil {
		return nil, err
	}
	return &rs, nil
}

// maxItems is how many record sets one list call asks for: Route 53's
// largest page, more than a weighted group can hold (100).
const maxItems = 300

// read lists the record sets at name (every type, one call in all but
// pathological zones) and keeps those of rrtype.
func (p *Provider) read(ctx context.Context, name, rrtype string) (group, error) {
	g := group{name: dns.CanonicalName(name), rrtype: strings.ToUpper(strings.TrimSpace(rrtype))}
	z, err := p.zone(ctx, g.name)
	if err != nil {
		return g, err
	}
	g.zone = z
	in := &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(z.ID), StartRecordName: aws.String(rrsets.WireName(g.name)), MaxItems: aws.Int32(maxItems)}
	for {
		out, err := call(ctx, p, "ListResourceRecordSets", func(ctx context.Context) (*route53.ListResourceRecordSetsOutput, error) {
			return p.client.ListResourceRecordSets(ctx, in)
		})
		if err != nil {
			return g, fmt.Errorf("reading %s %s: %w", g.name, g.rrtype, err)
		}
		for _, r := range out.ResourceRecordSets {
			if rrsets.ReadName(aws.ToString(r.Name)) != g.name {
				return g, nil
			}
			if t := string(r.Type); t == g.rrtype {
				g.raw = append(g.raw, r)
			} else if !slices.Contains(g.others, t) {
				g.others = append(g.others, t)
			}
		}
		if !out.IsTruncated || rrsets.ReadName(aws.ToString(out.NextRecordName)) != g.name {
			return g, nil
		}
		in.StartRecordName, in.StartRecordType, in.StartRecordIdentifier = out.NextRecordName, out.NextRecordType, out.NextRecordIdentifier
	}
}

// Get returns the record set for name and type (dns.Provider). A group
// ferry cannot represent (alias, latency, mixed TTLs) is an error wrapping
// rrsets.ErrUnsupported.
func (p *Provider) Get(ctx context.Context, name, rrtype string) (dns.RecordSet, error) {
	g, err := p.read(ctx, name, rrtype)
	if err != nil {
		return dns.RecordSet{}, err
	}
	cur, err := g.current()
	switch {
	case err != nil:
		return dns.RecordSet{}, err
	case cur == nil:
		return dns.RecordSet{}, fmt.Errorf("getting %s %s: %w", g.name, g.rrtype, dns.ErrNotFound)
	}
	return *cur, nil
}

// Replace makes rs the record set for its name and type, if cond holds
// (dns.Provider): one batch DELETEs the group as read and CREATEs rs, and
// Replace returns once Route 53 reports the change INSYNC.
func (p *Provider) Replace(ctx context.Context, rs dns.RecordSet, cond dns.Condition) error {
	if err := cond.Validate(); err != nil {
		return err
	}
	rs.Name, rs.Type = dns.CanonicalName(rs.Name), strings.ToUpper(rs.Type)
	if err := validate(rs); err != nil {
		return fmt.Errorf("replacing %s %s: %w", rs.Name, rs.Type, err)
	}
	return p.change(ctx, rs.Name, rs.Type, &rs, cond)
}

// Delete removes every set of name and type, if cond holds (dns.Provider).
func (p *Provider) Delete(ctx context.Context, name, rrtype string, cond dns.Condition) error {
	if err := cond.Validate(); err != nil {
		return err
	}
	return p.change(ctx, dns.CanonicalName(name), strings.ToUpper(rrtype), nil, cond)
}

// validate applies ferry's own rules to rs.
func validate(rs dns.RecordSet) error {
	if err := rs.Validate(); err != nil {
		return fmt.Errorf("%w: %w", dns.ErrInvalid, err)
	}
	return nil
}

// change reads the group, decides cond against it, checks Route 53's rules
// and sends the one batch (next nil: delete).
func (p *Provider) change(ctx context.Context, name, rrtype string, next *dns.RecordSet, cond dns.Condition) error {
	g, err := p.read(ctx, name, rrtype)
	if err != nil {
		return err
	}
	cur, err := g.current()
	if err != nil {
		return err
	}
	if ok, err := cond.Admit(name, rrtype, cur, next); !ok {
		if err == nil { // already made: a retry whose answer was lost
			return p.waitPending(ctx, name, rrtype)
		}
		return err
	}
	var create []types.ResourceRecordSet
	if next != nil {
		create = rrsets.To(*next)
		if err := rrsets.CheckGroup(g.zone.Name, name, rrtype, create, g.others); err != nil {
			return err
		}
	}
	return p.send(ctx, g, create, next, cond)
}

// send makes the batch and waits for it to be INSYNC. A batch refused
// because the group changed since it was read is re-read and decided
// again: a conflict with what is there now, or a change already made.
func (p *Provider) send(ctx context.Context, g group, create []types.ResourceRecordSet, next *dns.RecordSet, cond dns.Condition) error {
	batch := changeBatch(comment(g.name, g.rrtype, next), g.raw, create)
	out, err := call(ctx, p, "ChangeResourceRecordSets", func(ctx context.Context) (*route53.ChangeResourceRecordSetsOutput, error) {
		return p.client.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{HostedZoneId: aws.String(g.zone.ID), ChangeBatch: batch})
	})
	var refused *batchRefused
	if errors.As(err, &refused) {
		return p.afterRefusal(ctx, g, next, cond, refused)
	}
	if err != nil {
		return fmt.Errorf("changing %s %s: %w", g.name, g.rrtype, err)
	}
	id := aws.ToString(out.ChangeInfo.Id)
	p.setPending(g.name, g.rrtype, id)
	if err := p.waitInSync(ctx, id); err != nil {
		return fmt.Errorf("changing %s %s: %w", g.name, g.rrtype, err)
	}
	p.setPending(g.name, g.rrtype, "")
	return nil
}

// afterRefusal decides a refused batch on a fresh read.
func (p *Provider) afterRefusal(ctx context.Context, g group, next *dns.RecordSet, cond dns.Condition, refused *batchRefused) error {
	fresh, err := p.read(ctx, g.name, g.rrtype)
	if err != nil {
		return fmt.Errorf("%w; reading it again: %w", refused, err)
	}
	cur, err := fresh.current()
	if err != nil {
		return fmt.Errorf("%w; reading it again: %w", refused, err)
	}
	ok, err := cond.Admit(g.name, g.rrtype, cur, next)
	switch {
	case err != nil:
		return err
	case !ok:
		return p.waitPending(ctx, g.name, g.rrtype)
	}
	return fmt.Errorf("changing %s %s: %w", g.name, g.rrtype, refused)
}

func pendingKey(name, rrtype string) string { return name + " " + rrtype }

// setPending remembers the last change id of a name and type until it is
// INSYNC ("" forgets it), so that a retry finding the change made still
// waits for it.
func (p *Provider) setPending(name, rrtype, id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if id == "" {
		delete(p.pending, pendingKey(name, rrtype))
		return
	}
	p.pending[pendingKey(name, rrtype)] = id
}

// waitPending waits for a change of name and type this Provider sent and
// has not yet seen INSYNC.
func (p *Provider) waitPending(ctx context.Context, name, rrtype string) error {
	p.mu.Lock()
	id := p.pending[pendingKey(name, rrtype)]
	p.mu.Unlock()
	if err := p.waitInSync(ctx, id); err != nil {
		return fmt.Errorf("changing %s %s: %w", name, rrtype, err)
	}
	p.setPending(name, rrtype, "")
	return nil
}
