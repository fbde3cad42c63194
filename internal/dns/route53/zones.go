package route53

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/route53/rrsets"
)

// zone is one hosted zone: its id without the "/hostedzone/" prefix and
// its canonical name.
type zone struct {
	ID, Name string
	Private  bool
}

// zoneFor picks the hosted zone that holds name: the one whose name is
// the longest suffix of it. Two zones of that name (a public and a private
// one) are ambiguous, and no zone at all is an error; both wrap
// dns.ErrInvalid and say to set hostedZoneId. It is pure.
func zoneFor(name string, zones []zone) (zone, error) {
	name = dns.CanonicalName(name)
	var best []zone
	for _, z := range zones {
		if !inZone(name, z.Name) {
			continue
		}
		switch {
		case len(best) == 0 || len(z.Name) > len(best[0].Name):
			best = []zone{z}
		case len(z.Name) == len(best[0].Name):
			best = append(best, z)
		}
	}
	switch len(best) {
	case 0:
		return zone{}, fmt.Errorf("%w: no hosted zone holds %s (migration.dns.hostedZoneId names one)", dns.ErrInvalid, name)
	case 1:
		return best[0], nil
	}
	ids := make([]string, len(best))
	for i, z := range best {
		ids[i] = z.ID
	}
	return zone{}, fmt.Errorf("%w: %d hosted zones named %s could hold %s (%s): set migration.dns.hostedZoneId", dns.ErrInvalid, len(best), best[0].Name, name, strings.Join(ids, ", "))
}

// inZone reports whether canonical name is zone or below it.
func inZone(name, zoneName string) bool {
	return name == zoneName || strings.HasSuffix(name, "."+zoneName)
}

func zoneOf(id, name string, private bool) zone {
	return zone{ID: strings.TrimPrefix(id, "/hostedzone/"), Name: rrsets.ReadName(name), Private: private}
}

// loadZones lists the hosted zones the provider may use: the one named
// by hostedZoneId, or every zone of the account.
func (p *Provider) loadZones(ctx context.Context) ([]zone, error) {
	if p.opts.HostedZoneID != "" {
		out, err := call(ctx, p, "GetHostedZone", func(ctx context.Context) (*route53.GetHostedZoneOutput, error) {
			return p.client.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: aws.String(p.opts.HostedZoneID)})
		})
		if err != nil {
			return nil, fmt.Errorf("reading hosted zone %s: %w", p.opts.HostedZoneID, err)
		}
		hz := out.HostedZone
		return []zone{zoneOf(aws.ToString(hz.Id), aws.ToString(hz.Name), hz.Config != nil && hz.Config.PrivateZone)}, nil
	}
	var zones []zone
	in := &route53.ListHostedZonesInput{}
	for {
		out, err := call(ctx, p, "ListHostedZones", func(ctx context.Context) (*route53.ListHostedZonesOutput, error) {
			return p.client.ListHostedZones(ctx, in)
		})
		if err != nil {
			return nil, fmt.Errorf("listing hosted zones: %w", err)
		}
		for _, hz := range out.HostedZones {
			zones = append(zones, zoneOf(aws.ToString(hz.Id), aws.ToString(hz.Name), hz.Config != nil && hz.Config.PrivateZone))
		}
		if !out.IsTruncated {
			return zones, nil
		}
		in.Marker = out.NextMarker
	}
}

// zone returns the hosted zone that holds name, listing the zones once
// per Provider.
func (p *Provider) zone(ctx context.Context, name string) (zone, error) {
	p.zonesMu.Lock()
	defer p.zonesMu.Unlock()
	zones, err := p.loadZonesOnce(ctx)
	if err != nil {
		return zone{}, err
	}
	return zoneFor(name, zones)
}

// loadZonesOnce returns the zones, listing them at the first call only.
// p.zonesMu is held.
func (p *Provider) loadZonesOnce(ctx context.Context) ([]zone, error) {
	if p.zones == nil {
		zones, err := p.loadZones(ctx)
		if err != nil {
			return nil, err
		}
		p.zones = zones
	}
	return p.zones, nil
}
