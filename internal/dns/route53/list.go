package route53

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/route53/rrsets"
)

var _ dns.Lister = (*Provider)(nil)

// List returns every record set of ferry's types (A, AAAA, CNAME, TXT) in
// the hosted zone named by HostedZoneID, or in every zone of the account
// (dns.Lister). A group ferry cannot represent (latency or failover
// routing, weighted records with different TTLs) is left out; Get on it
// says why.
func (p *Provider) List(ctx context.Context) ([]dns.RecordSet, error) {
	p.zonesMu.Lock()
	zones, err := p.loadZonesOnce(ctx)
	p.zonesMu.Unlock()
	if err != nil {
		return nil, err
	}
	out := []dns.RecordSet{}
	for _, z := range zones {
		raw, err := p.listZone(ctx, z)
		if err != nil {
			return nil, err
		}
		out = append(out, groups(raw)...)
	}
	slices.SortFunc(out, func(a, b dns.RecordSet) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Type, b.Type)) })
	return out, nil
}

// listZone lists every record set of z, page by page.
func (p *Provider) listZone(ctx context.Context, z zone) ([]types.ResourceRecordSet, error) {
	var all []types.ResourceRecordSet
	in := &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(z.ID), MaxItems: aws.Int32(maxItems)}
	for {
		out, err := call(ctx, p, "ListResourceRecordSets", func(ctx context.Context) (*route53.ListResourceRecordSetsOutput, error) {
			return p.client.ListResourceRecordSets(ctx, in)
		})
		if err != nil {
			return nil, fmt.Errorf("listing hosted zone %s (%s): %w", z.ID, z.Name, err)
		}
		all = append(all, out.ResourceRecordSets...)
		if !out.IsTruncated {
			return all, nil
		}
		in.StartRecordName, in.StartRecordType, in.StartRecordIdentifier = out.NextRecordName, out.NextRecordType, out.NextRecordIdentifier
	}
}

// groups maps listed record sets to ferry's model, one RecordSet per name
// and type of ferry's types, leaving out what it cannot represent. It is
// pure.
func groups(raw []types.ResourceRecordSet) []dns.RecordSet {
	type key struct{ name, rrtype string }
	byKey := map[key][]types.ResourceRecordSet{}
	var order []key
	for _, r := range raw {
		switch string(r.Type) {
		case dns.TypeA, dns.TypeAAAA, dns.TypeCNAME, dns.TypeTXT:
		default:
			continue
		}
		k := key{rrsets.ReadName(aws.ToString(r.Name)), string(r.Type)}
		if _, ok := byKey[k]; !ok {
			order = append(order, k)
		}
		byKey[k] = append(byKey[k], r)
	}
	var out []dns.RecordSet
	for _, k := range order {
		if rs, err := rrsets.From(k.name, k.rrtype, byKey[k]); err == nil {
			out = append(out, rs)
		}
	}
	return out
}
