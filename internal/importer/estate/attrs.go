package estate

import (
	"encoding/json"
	"strconv"
	"strings"
)

// attrs reads a resource's attributes the way every provider version writes
// them: nested blocks are lists of objects, numbers are json.Number, an unset
// value is null or absent.
type attrs map[string]any

func (a attrs) str(key string) string {
	s, _ := a[key].(string)
	return s
}

// num reads a whole number; ok is false when it is absent or not one.
func (a attrs) num(key string) (int, bool) {
	switch v := a[key].(type) {
	case json.Number:
		n, err := strconv.Atoi(v.String())
		return n, err == nil
	case float64:
		if v == float64(int(v)) {
			return int(v), true
		}
	case string: // providers write a few numbers as strings ("traffic-port" or "8080")
		n, err := strconv.Atoi(v)
		return n, err == nil
	}
	return 0, false
}

func (a attrs) boolean(key string) bool {
	b, _ := a[key].(bool)
	return b
}

// blocks reads a nested block list.
func (a attrs) blocks(key string) []attrs {
	list, _ := a[key].([]any)
	var out []attrs
	for _, item := range list {
		if m, ok := item.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// block reads the first block of a nested block list (nil when none).
func (a attrs) block(key string) attrs {
	if bs := a.blocks(key); len(bs) > 0 {
		return bs[0]
	}
	return nil
}

// strs reads a list or set of strings, skipping empty ones.
func (a attrs) strs(key string) []string {
	list, _ := a[key].([]any)
	var out []string
	for _, item := range list {
		if s, ok := item.(string); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}

// hostname normalises a DNS name for comparison: lower case, no trailing
// dot, no "dualstack." that Route 53 alias targets of ELBs carry.
func hostname(s string) string {
	s = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".")
	return strings.TrimPrefix(s, "dualstack.")
}

// balancerName is the balancer name an ELB DNS name was made from
// ("internal-NAME-123.region.elb.amazonaws.com"), "" when it is not one.
func balancerName(dns string) string {
	host, rest, ok := strings.Cut(hostname(dns), ".")
	if !ok || !strings.HasSuffix(rest, ".elb.amazonaws.com") && !strings.HasSuffix(rest, ".elb.amazonaws.com.cn") {
		return ""
	}
	host = strings.TrimPrefix(host, "internal-")
	i := strings.LastIndex(host, "-")
	if i <= 0 {
		return ""
	}
	return host[:i]
}

// regionOf reads the region out of an ARN ("arn:aws:svc:REGION:…").
func regionOf(arn string) string {
	parts := strings.SplitN(arn, ":", 5)
	if len(parts) < 5 || parts[0] != "arn" {
		return ""
	}
	return parts[3]
}

// zoneRegion is the region of an availability zone ("eu-west-1a").
func zoneRegion(zone string) string {
	if len(zone) < 2 {
		return ""
	}
	last := zone[len(zone)-1]
	if last < 'a' || last > 'z' || zone[len(zone)-2] < '0' || zone[len(zone)-2] > '9' {
		return ""
	}
	return zone[:len(zone)-1]
}
