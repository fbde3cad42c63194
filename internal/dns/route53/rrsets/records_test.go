package rrsets

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/dns"
)

func TestReadName(t *testing.T) {
	for in, want := range map[string]string{
		"API.Example.com.":  "api.example.com.",
		`\052.example.com.`: "*.example.com.",
		"example.com":       "example.com.",
	} {
		if got := ReadName(in); got != want {
			t.Errorf("ReadName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTXTQuoting(t *testing.T) {
	for _, v := range []string{"", "plain", `a "quoted" \ value`, string(make([]byte, 600))} {
		got, err := unquoteTXT(quoteTXT(v))
		if err != nil || got != v {
			t.Errorf("round trip of %q = %q, %v", v, got, err)
		}
	}
	if got, err := unquoteTXT(`"v=spf1 " "include:x"`); err != nil || got != "v=spf1 include:x" {
		t.Errorf("two strings = %q, %v", got, err)
	}
	for _, bad := range []string{`unquoted`, `"open`, `"ends\`} {
		if _, err := unquoteTXT(bad); err == nil {
			t.Errorf("unquoteTXT(%q) accepted it", bad)
		}
	}
}

func TestUnsupportedGroups(t *testing.T) {
	latency := rr("eu", 0, 60, "192.0.2.1")
	latency.Weight, latency.Region = nil, types.ResourceRecordSetRegionEuWest1
	for name, group := range map[string][]types.ResourceRecordSet{
		"latency": {latency}, "mixed TTLs": {rr("a", 1, 60, "192.0.2.1"), rr("b", 1, 30, "192.0.2.2")},
	} {
		if _, err := From("api.example.com.", "A", group); !errors.Is(err, ErrUnsupported) || !errors.Is(err, dns.ErrTerminal) {
			t.Errorf("%s: From = %v, want ErrUnsupported", name, err)
		}
	}
}

// TestCNAMEAsTerraformWritesIt: a CNAME target written without the final
// dot (as Terraform's records usually are) reads as the same name ferry
// writes, so the record is adopted rather than taken for a foreign one.
func TestCNAMEAsTerraformWritesIt(t *testing.T) {
	cname := rr("", 0, 300, "LB-1.elb.amazonaws.com")
	cname.Type = types.RRTypeCname
	got, err := From("api.example.com.", "CNAME", []types.ResourceRecordSet{cname})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"lb-1.elb.amazonaws.com."}; !cmp.Equal(got.Sets[0].Values, want) {
		t.Errorf("values = %q, want %q", got.Sets[0].Values, want)
	}
}

func TestMappingRoundTrip(t *testing.T) {
	elb := dns.Alias{HostedZoneID: "Z35SXDOTRQ7X7K", DNSName: "dualstack.legacy-123.us-east-1.elb.amazonaws.com", EvaluateTargetHealth: true}.String()
	for _, rs := range []dns.RecordSet{
		{Name: "api.example.com.", Type: "A", TTL: 60, Sets: []dns.WeightedSet{{ID: "legacy", Weight: 90, Values: []string{elb}}, {ID: "cluster", Weight: 10, Values: []string{"192.0.2.2"}}}},
		{Name: "example.com.", Type: "A", TTL: dns.AliasTTL, Sets: []dns.WeightedSet{{ID: dns.PlainSetID, Weight: dns.PlainWeight, Values: []string{elb}}}},
		{Name: "api.example.com.", Type: "A", TTL: 60, Sets: []dns.WeightedSet{{ID: "legacy", Weight: 255, Values: []string{"192.0.2.1", "192.0.2.3"}}, {ID: "cluster", Values: []string{"192.0.2.2"}}}},
		{Name: "api.example.com.", Type: "CNAME", TTL: 1, Sets: []dns.WeightedSet{{ID: dns.PlainSetID, Weight: dns.PlainWeight, Values: []string{"lb.example.net."}}}},
	} {
		got, err := From(rs.Name, rs.Type, To(rs))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(rs, got); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	}
}
