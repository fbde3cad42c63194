package route53

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/dns"
)

func TestClassify(t *testing.T) {
	api := func(code, msg string) error { return &smithy.GenericAPIError{Code: code, Message: msg} }
	tests := []struct {
		err  error
		want error
	}{
		{api("Throttling", "Rate exceeded"), errRateLimited},
		{api("PriorRequestNotComplete", "The request was rejected because Route 53 was still processing a prior request."), errRateLimited},
		{api("AccessDenied", "User: arn:aws:iam::1:user/x is not authorized"), dns.ErrUnauthorized},
		{api("InvalidClientTokenId", "The security token included in the request is invalid."), dns.ErrUnauthorized},
		{api("InvalidChangeBatch", "[RRSet of type CNAME with DNS name a.example.com. is not permitted at apex in zone a.example.com.]"), dns.ErrInvalid},
		{api("NoSuchHostedZone", "No hosted zone found with ID: Z1"), dns.ErrInvalid},
	}
	for _, tt := range tests {
		if got := classify("op", tt.err); !errors.Is(got, tt.want) {
			t.Errorf("classify(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
	var refused *batchRefused
	for _, msg := range []string{
		"Tried to delete resource record set [name='a.example.com.', type='A'] but the values provided do not match the current values",
		"Tried to delete resource record set [name='a.example.com.', type='A'] but it was not found",
		"Tried to create resource record set [name='a.example.com.', type='A'] but it already exists",
	} {
		if !errors.As(classify("op", api("InvalidChangeBatch", msg)), &refused) {
			t.Errorf("%q is not taken for a failed precondition", msg)
		}
	}
}

func TestZoneFor(t *testing.T) {
	zones := []zone{{ID: "Z1", Name: "example.com."}, {ID: "Z2", Name: "k8s.example.com."}, {ID: "Z3", Name: "other.com."}, {ID: "Z4", Name: "other.com.", Private: true}}
	for name, want := range map[string]string{"api.example.com": "Z1", "api.k8s.example.com.": "Z2", "example.com.": "Z1", "xexample.com.": ""} {
		z, err := zoneFor(name, zones)
		if z.ID != want || (want == "") != errors.Is(err, dns.ErrInvalid) {
			t.Errorf("zoneFor(%s) = %s, %v; want %q", name, z.ID, err, want)
		}
	}
	if _, err := zoneFor("api.other.com.", zones); !errors.Is(err, dns.ErrInvalid) {
		t.Errorf("a public and a private zone of one name = %v, want ErrInvalid", err)
	}
}

// TestGroups: a zone's listing becomes one record set per name and type of
// ferry's types, weighted sets gathered; other types (SOA, NS, MX) and a
// group ferry cannot represent (latency routing) are left out.
func TestGroups(t *testing.T) {
	rr := func(name string, typ types.RRType, id string, weight, ttl int64, value string) types.ResourceRecordSet {
		r := types.ResourceRecordSet{Name: aws.String(name), Type: typ, TTL: aws.Int64(ttl),
			ResourceRecords: []types.ResourceRecord{{Value: aws.String(value)}}}
		if id != "" {
			r.SetIdentifier, r.Weight = aws.String(id), aws.Int64(weight)
		}
		return r
	}
	latency := rr("eu.example.test.", "A", "eu", 0, 60, "192.0.2.9")
	latency.Weight, latency.Region = nil, types.ResourceRecordSetRegionEuWest1
	got := groups([]types.ResourceRecordSet{
		rr("example.test.", "SOA", "", 0, 900, "ns.example.test. hostmaster.example.test. 1 7200 900 1209600 86400"),
		rr("example.test.", "NS", "", 0, 172800, "ns.example.test."),
		rr("api.example.test.", "A", "legacy", 90, 60, "192.0.2.10"),
		rr("api.example.test.", "A", "cluster", 10, 60, "198.51.100.20"),
		rr("api.example.test.", "MX", "", 0, 60, "10 mail.example.test."),
		latency,
		rr("www.example.test.", "CNAME", "", 0, 300, "api.example.test."),
	})
	want := []dns.RecordSet{
		{Name: "api.example.test.", Type: "A", TTL: 60, Sets: []dns.WeightedSet{
			{ID: "legacy", Weight: 90, Values: []string{"192.0.2.10"}}, {ID: "cluster", Weight: 10, Values: []string{"198.51.100.20"}}}},
		{Name: "www.example.test.", Type: "CNAME", TTL: 300, Sets: []dns.WeightedSet{{ID: dns.PlainSetID, Weight: dns.PlainWeight, Values: []string{"api.example.test."}}}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("groups (-want +got):\n%s", d)
	}
}
