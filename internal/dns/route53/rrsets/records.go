package rrsets

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"ferry.dev/ferry/internal/dns"
)

// ErrUnsupported wraps the errors of reading a record set ferry cannot
// represent (an alias, latency or failover record, mixed TTLs). Retrying
// cannot help, so it wraps dns.ErrTerminal; the operator fixes the record.
var ErrUnsupported = fmt.Errorf("%w: record set ferry does not manage", dns.ErrTerminal)

// From maps the resource record sets of one name and type, as
// ListResourceRecordSets returned them, to a dns.RecordSet. Alias records
// have no TTL: the group's is its other records', or dns.AliasTTL when all
// are aliases. It is pure.
func From(name, rrtype string, raw []types.ResourceRecordSet) (dns.RecordSet, error) {
	rs := dns.RecordSet{Name: dns.CanonicalName(name), Type: rrtype, TTL: dns.AliasTTL}
	ttlFrom := ""
	for _, r := range raw {
		set, ttl, err := setFrom(r)
		if err != nil {
			return dns.RecordSet{}, fmt.Errorf("reading %s %s: %w", rs.Name, rrtype, err)
		}
		rs.Sets = append(rs.Sets, set)
		if r.AliasTarget != nil {
			continue
		}
		if ttlFrom != "" && ttl != rs.TTL {
			return dns.RecordSet{}, fmt.Errorf("reading %s %s: %w: set %q has TTL %d but set %q has %d (Route 53 refuses this for weighted sets; make them equal)",
				rs.Name, rrtype, ErrUnsupported, set.ID, ttl, ttlFrom, rs.TTL)
		}
		rs.TTL, ttlFrom = ttl, set.ID
	}
	return rs, nil
}

func setFrom(r types.ResourceRecordSet) (dns.WeightedSet, uint32, error) {
	id := aws.ToString(r.SetIdentifier)
	switch {
	case policyOf(r) != "":
		return dns.WeightedSet{}, 0, fmt.Errorf("%w: set %q uses %s routing (ferry drives weighted and simple records)", ErrUnsupported, id, policyOf(r))
	case r.AliasTarget == nil && (r.TTL == nil || *r.TTL < 0 || *r.TTL > dns.MaxTTL):
		return dns.WeightedSet{}, 0, fmt.Errorf("%w: set %q has no valid TTL", ErrUnsupported, id)
	case r.SetIdentifier != nil && r.Weight == nil:
		return dns.WeightedSet{}, 0, fmt.Errorf("%w: set %q has a SetIdentifier but no weight", ErrUnsupported, id)
	}
	set := dns.WeightedSet{ID: cmp.Or(id, dns.PlainSetID), Weight: dns.PlainWeight}
	if r.SetIdentifier != nil {
		set.Weight = int(*r.Weight)
	}
	if t := r.AliasTarget; t != nil {
		a := dns.Alias{HostedZoneID: aws.ToString(t.HostedZoneId), DNSName: aws.ToString(t.DNSName), EvaluateTargetHealth: t.EvaluateTargetHealth}
		set.Values = []string{a.String()}
		return set, 0, nil
	}
	for _, v := range r.ResourceRecords {
		val := aws.ToString(v.Value)
		switch string(r.Type) {
		case dns.TypeTXT:
			var err error
			if val, err = unquoteTXT(val); err != nil {
				return dns.WeightedSet{}, 0, fmt.Errorf("%w: set %q: %w", ErrUnsupported, id, err)
			}
		case dns.TypeCNAME:
			// Route 53 lists a CNAME's target as it was written, Terraform's
			// usually without the final dot; the batch DELETEs it as listed.
			val = dns.CanonicalName(val)
		}
		set.Values = append(set.Values, val)
	}
	return set, uint32(*r.TTL), nil
}

// policyOf names the routing policy of r when it is neither simple nor
// weighted.
func policyOf(r types.ResourceRecordSet) string {
	switch {
	case r.Region != "":
		return "latency"
	case r.Failover != "":
		return "failover"
	case r.GeoLocation != nil:
		return "geolocation"
	case r.GeoProximityLocation != nil:
		return "geoproximity"
	case r.CidrRoutingConfig != nil:
		return "IP-based"
	case r.MultiValueAnswer != nil:
		return "multivalue answer"
	case r.TrafficPolicyInstanceId != nil:
		return "traffic policy"
	}
	return ""
}

// To maps rs to the resource record sets a batch CREATEs: one per
// set, weighted with the set's id, or one plain record when rs is the
// single set dns.PlainSetID. Names are sent without the final dot, which
// Route 53 treats as the same name. It is pure.
func To(rs dns.RecordSet) []types.ResourceRecordSet {
	out := make([]types.ResourceRecordSet, 0, len(rs.Sets))
	for _, s := range rs.Sets {
		r := types.ResourceRecordSet{
			Name: aws.String(WireName(rs.Name)),
			Type: types.RRType(rs.Type),
			TTL:  aws.Int64(int64(rs.TTL)),
		}
		if !isPlain(rs) {
			r.SetIdentifier = aws.String(s.ID)
			r.Weight = aws.Int64(int64(s.Weight))
		}
		if len(s.Values) == 1 && dns.IsAlias(s.Values[0]) {
			r.TTL = nil // Route 53 answers an alias with its target's TTL
			if a, err := dns.ParseAlias(s.Values[0]); err == nil {
				r.AliasTarget = &types.AliasTarget{HostedZoneId: aws.String(a.HostedZoneID),
					DNSName: aws.String(a.DNSName), EvaluateTargetHealth: a.EvaluateTargetHealth}
			}
			out = append(out, r)
			continue
		}
		for _, v := range s.Values {
			if rs.Type == dns.TypeTXT {
				v = quoteTXT(v)
			}
			r.ResourceRecords = append(r.ResourceRecords, types.ResourceRecord{Value: aws.String(v)})
		}
		out = append(out, r)
	}
	return out
}

// isPlain reports whether rs is written as one plain record.
func isPlain(rs dns.RecordSet) bool {
	return len(rs.Sets) == 1 && rs.Sets[0].ID == dns.PlainSetID
}

// WireName is a canonical name as it is sent: without the final dot.
func WireName(name string) string {
	return strings.TrimSuffix(dns.CanonicalName(name), ".")
}

// ReadName turns a name as Route 53 lists it into canonical form: Route 53
// escapes characters outside letters, digits, '-' and '_' as \DDD (octal),
// the wildcard '*' as \052 among them.
func ReadName(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		if name[i] == '\\' && i+4 <= len(name) {
			if n, err := strconv.ParseUint(name[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(name[i])
	}
	return dns.CanonicalName(b.String())
}

// maxTXTString is the longest character-string one TXT string may hold.
const maxTXTString = 255

// quoteTXT writes a TXT value as Route 53 wants it: one or more quoted
// character-strings of at most 255 bytes, '"' and '\' escaped.
func quoteTXT(v string) string {
	var parts []string
	for len(v) > maxTXTString {
		parts = append(parts, v[:maxTXTString])
		v = v[maxTXTString:]
	}
	parts = append(parts, v)
	for i, p := range parts {
		p = strings.ReplaceAll(p, `\`, `\\`)
		parts[i] = `"` + strings.ReplaceAll(p, `"`, `\"`) + `"`
	}
	return strings.Join(parts, " ")
}

// unquoteTXT reads a TXT value Route 53 lists: quoted character-strings,
// joined without separator, as RFC 7208 does for long values.
func unquoteTXT(v string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(v); {
		switch {
		case v[i] == ' ':
			i++
		case v[i] != '"':
			return "", fmt.Errorf("TXT value %q is not quoted", v)
		default:
			n, err := readQuoted(&b, v[i+1:])
			if err != nil {
				return "", fmt.Errorf("TXT value %q: %w", v, err)
			}
			i += n + 2
		}
	}
	return b.String(), nil
}

// readQuoted copies one character-string's content from s (after its
// opening quote) into b and returns how many bytes it read before the
// closing quote.
func readQuoted(b *strings.Builder, s string) (int, error) {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			return i, nil
		case '\\':
			if i+1 >= len(s) {
				return 0, errors.New("ends in an escape")
			}
			i++
		}
		b.WriteByte(s[i])
	}
	return 0, errors.New("has no closing quote")
}
