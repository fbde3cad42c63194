package externaldns

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"ferry.dev/ferry/internal/dns"
)

// Registry describes the TXT registry of the external-dns that publishes
// ferry's DNSEndpoints: its --txt-owner-id, --txt-prefix and --txt-suffix.
type Registry struct {
	OwnerID        string
	Prefix, Suffix string
}

// TXTName is the name of the registry record that says who owns the
// records of name and type, as external-dns v0.21 writes it: the type in
// lower case and a dash before the first label ("a-api.example.com"),
// inside a prefix or a suffix, where "%{record_type}" in either stands
// for the type instead.
func (r Registry) TXTName(name, rrtype string) string {
	t := strings.ToLower(rrtype)
	first, rest, dotted := strings.Cut(strings.TrimSuffix(dns.CanonicalName(name), "."), ".")
	affix := r.Prefix + r.Suffix
	if !strings.Contains(affix, "%{record_type}") {
		first = t + "-" + first
	}
	first = strings.ReplaceAll(r.Prefix, "%{record_type}", t) + first + strings.ReplaceAll(r.Suffix, "%{record_type}", t)
	if dotted {
		first += "." + rest
	}
	return dns.CanonicalName(strings.ToLower(first))
}

// Owner is what one registry record says of a record: the owner id of the
// external-dns that publishes it, and the object it publishes it from
// ("ingress/shop/api", "crd/shop/api-dns", "service/…").
type Owner struct {
	ID       string
	Resource string
}

// ParseOwner reads a registry record's text
// ("heritage=external-dns,external-dns/owner=x,external-dns/resource=…").
// ok is false for a TXT record that is not external-dns's.
func ParseOwner(text string) (o Owner, ok bool) {
	for _, tok := range strings.Split(strings.Trim(text, `"`), ",") {
		k, v, found := strings.Cut(tok, "=")
		switch {
		case !found:
		case k == "heritage":
			if v != "external-dns" {
				return Owner{}, false
			}
			ok = true
		case k == "external-dns/owner":
			o.ID = v
		case k == "external-dns/resource":
			o.Resource = v
		}
	}
	return o, ok
}

// owner reads the registry record of the plain record name/rrtype at the
// DNS provider external-dns publishes into. A missing one is an Owner
// with no ID.
func (p *Provider) owner(ctx context.Context, name, rrtype string) (Owner, error) {
	txt, err := p.o.Published.Get(ctx, p.o.Registry.TXTName(name, rrtype), dns.TypeTXT)
	if errors.Is(err, dns.ErrNotFound) {
		return Owner{}, nil
	}
	if err != nil {
		return Owner{}, fmt.Errorf("reading external-dns's registry record of %s: %w", name, err)
	}
	for _, s := range txt.Sets {
		if s.ID != PlainSetID {
			continue
		}
		for _, v := range s.Values {
			if o, ok := ParseOwner(v); ok {
				return o, nil
			}
		}
	}
	return Owner{}, nil
}

// checkOwned refuses a record published without ferry that ferry cannot
// take over through external-dns: a weighted one, one external-dns does
// not own, or one another owner's external-dns publishes. rs is the
// record, o its registry record.
func (r Registry) checkOwned(rs dns.RecordSet, o Owner) error {
	txt := strings.TrimSuffix(r.TXTName(rs.Name, rs.Type), ".")
	switch {
	case len(rs.Sets) != 1 || rs.Sets[0].ID != PlainSetID:
		return fmt.Errorf("%w: %s %s is a weighted record ferry did not write (sets %s); ferry adopts a plain record only",
			dns.ErrInvalid, rs.Name, rs.Type, describe(rs))
	case o.ID == "":
		return fmt.Errorf("%w: %s %s is published, but external-dns does not own it (no registry record %s TXT): "+
			"external-dns would neither remove it nor publish weighted sets beside it; migrate it with provider route53, "+
			"or check migration.dns.txtPrefix/txtSuffix", dns.ErrInvalid, rs.Name, rs.Type, txt)
	case o.ID != r.OwnerID:
		return fmt.Errorf("%w: %s %s is owned by external-dns owner %q (%s TXT, resource %s), but migration.dns.txtOwnerId is %q: "+
			"the external-dns that publishes ferry's DNSEndpoints would not replace it, and weighted sets of two owners "+
			"for one name fight (external-dns#1698); run the migration against the cluster whose external-dns owns it, "+
			"or set txtOwnerId to its --txt-owner-id", dns.ErrInvalid, rs.Name, rs.Type, o.ID, txt, o.Resource, r.OwnerID)
	}
	return nil
}
