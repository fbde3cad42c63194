package route53

import (
	"context"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/route53/rrsets"
)

var _ dns.Prechecker = (*Provider)(nil)

// Precheck reports every Route 53 rule writing rs now would break,
// changing nothing (dns.Prechecker): Check's rules, and those that need
// the zone — the apex, and the CNAME rules against the other types at the
// name. It costs one ListResourceRecordSets (and the zones, once).
func (p *Provider) Precheck(ctx context.Context, rs dns.RecordSet) error {
	g, err := p.read(ctx, rs.Name, rs.Type)
	if err != nil {
		return err
	}
	return rrsets.CheckGroup(g.zone.Name, g.name, g.rrtype, rrsets.To(rs), g.others)
}
