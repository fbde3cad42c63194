package dns

import (
	"fmt"
	"strings"
)

// AliasTTL is the TTL resolvers see for a Route 53 alias to a load
// balancer: an alias record has no TTL of its own, Route 53 answers with
// the target's, and an ELB's is 60 seconds. A drain must wait on it.
const AliasTTL = 60

// aliasPrefix starts a value that is a Route 53 alias target, not an
// address: "alias:ZONEID:DNSNAME" or "alias:ZONEID:DNSNAME:evaluate".
const aliasPrefix = "alias:"

// IsHostedZoneID reports whether s looks like a Route 53 hosted zone id
// (without "/hostedzone/"): 1 to 32 upper case letters and digits.
func IsHostedZoneID(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && (s[i] < 'A' || s[i] > 'Z') {
			return false
		}
	}
	return true
}

// Alias is a Route 53 alias target: the hosted zone of the target (an
// ELB's zone is per region, like Z35SXDOTRQ7X7K), its DNS name, and whether
// Route 53 checks the target's health. In an A or AAAA set it is written
// as a value, Alias.String; a set holding an alias holds nothing else.
// Route 53 answers it with the target's addresses.
type Alias struct {
	HostedZoneID         string
	DNSName              string
	EvaluateTargetHealth bool
}

// String is the value form, canonical: "alias:ZONEID:name.[:evaluate]".
func (a Alias) String() string {
	s := aliasPrefix + strings.ToUpper(a.HostedZoneID) + ":" + CanonicalName(a.DNSName)
	if a.EvaluateTargetHealth {
		s += ":evaluate"
	}
	return s
}

// IsAlias reports whether the value v is written as an alias target.
func IsAlias(v string) bool { return strings.HasPrefix(v, aliasPrefix) }

// ParseAlias reads an alias value. Its errors say what is wrong.
func ParseAlias(v string) (Alias, error) {
	parts := strings.Split(strings.TrimPrefix(v, aliasPrefix), ":")
	if !IsAlias(v) || len(parts) < 2 || len(parts) > 3 {
		return Alias{}, fmt.Errorf("%q is not an alias target (alias:HOSTEDZONEID:DNSNAME[:evaluate])", v)
	}
	a := Alias{HostedZoneID: strings.ToUpper(parts[0]), DNSName: CanonicalName(parts[1])}
	switch {
	case !IsHostedZoneID(a.HostedZoneID):
		return Alias{}, fmt.Errorf("%q: %q is not a hosted zone id", v, parts[0])
	case parts[1] == "" || strings.ContainsAny(parts[1], " \t,"):
		return Alias{}, fmt.Errorf("%q: %q is not a DNS name", v, parts[1])
	case len(parts) == 3 && parts[2] != "evaluate":
		return Alias{}, fmt.Errorf("%q: the fourth part may only be \"evaluate\" (evaluate target health)", v)
	}
	a.EvaluateTargetHealth = len(parts) == 3
	return a, nil
}
