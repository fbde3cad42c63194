package rrsets

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"

	"ferry.dev/ferry/internal/dns"
)

func rr(id string, weight, ttl int64, value string) types.ResourceRecordSet {
	r := types.ResourceRecordSet{Name: aws.String("api.example.com"), Type: "A", TTL: aws.Int64(ttl),
		ResourceRecords: []types.ResourceRecord{{Value: aws.String(value)}}}
	if id != "" {
		r.SetIdentifier, r.Weight = aws.String(id), aws.Int64(weight)
	}
	return r
}

// TestRoute53Rules: each row is one rule real Route 53 enforces (moto
// does not) or one ferry adds, with the answer Route 53 gives for it. The
// texts quoted are Route 53's as operators have reported them; the one for
// the 100-record limit is ferry's paraphrase.
func TestRoute53Rules(t *testing.T) {
	tests := []struct {
		rule       string
		rrtype     string
		name       string
		next       []types.ResourceRecordSet
		otherTypes []string
		route53    string // what Route 53 answers; "" when the group is valid
	}{
		{rule: "a weighted group", rrtype: "A", next: []types.ResourceRecordSet{rr("legacy", 90, 60, "192.0.2.1"), rr("cluster", 10, 60, "192.0.2.2")}},
		{rule: "one plain record", rrtype: "A", next: []types.ResourceRecordSet{rr("", 0, 60, "192.0.2.1")}},
		{rule: "a zero weight beside a positive one", rrtype: "A", next: []types.ResourceRecordSet{rr("legacy", 0, 60, "192.0.2.1"), rr("cluster", 1, 60, "192.0.2.2")}},
		{rule: "weights are 0 to 255", rrtype: "A", next: []types.ResourceRecordSet{rr("legacy", 300, 60, "192.0.2.1")},
			route53: "Value '300' at 'changeBatch.changes.1.member.resourceRecordSet.weight' failed to satisfy constraint: Member must have value less than or equal to 255"},
		{rule: "one TTL per weighted group", rrtype: "A", next: []types.ResourceRecordSet{rr("legacy", 1, 60, "192.0.2.1"), rr("cluster", 1, 30, "192.0.2.2")},
			route53: "RRSet with DNS name api.example.com. and type A, SetIdentifier cluster cannot be created as weighted sets must contain the same TTL."},
		{rule: "at most 100 weighted records per name and type", rrtype: "A", next: hundredAndOne(),
			route53: "cannot be created because the limit of 100 weighted records with the same name and type is reached."},
		{rule: "no plain and weighted records of one name and type", rrtype: "A", next: []types.ResourceRecordSet{rr("", 0, 60, "192.0.2.1"), rr("cluster", 1, 60, "192.0.2.2")},
			route53: "RRSet with DNS name api.example.com., type A, SetIdentifier cluster cannot be created as a non-weighted set exists with the same name and type."},
		{rule: "at most one plain record per name and type", rrtype: "A", next: []types.ResourceRecordSet{rr("", 0, 60, "192.0.2.1"), rr("", 0, 60, "192.0.2.2")},
			route53: "RRSet with DNS name api.example.com., type A cannot be created as other RRSets exist with the same name and type."},
		{rule: "no CNAME beside other types", rrtype: "CNAME", next: []types.ResourceRecordSet{rr("", 0, 60, "lb.example.net")}, otherTypes: []string{"TXT"},
			route53: "RRSet of type CNAME with DNS name api.example.com. is not permitted as it conflicts with other records with the same DNS name in zone example.com."},
		{rule: "no other type beside a CNAME", rrtype: "A", next: []types.ResourceRecordSet{rr("", 0, 60, "192.0.2.1")}, otherTypes: []string{"CNAME"},
			route53: "RRSet of type A with DNS name api.example.com. is not permitted because a conflicting RRSet of type  CNAME with the same DNS name already exists in zone example.com."},
		{rule: "no CNAME at the zone apex", rrtype: "CNAME", name: "example.com.", next: []types.ResourceRecordSet{rr("", 0, 60, "lb.example.net")},
			route53: "RRSet of type CNAME with DNS name example.com. is not permitted at apex in zone example.com."},
		{rule: "ferry: never an all-zero group (Route 53 would split traffic equally)", rrtype: "A", next: []types.ResourceRecordSet{rr("legacy", 0, 60, "192.0.2.1"), rr("cluster", 0, 60, "192.0.2.2")},
			route53: "(accepted: traffic is routed to all records with equal probability)"},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			name := tt.name
			if name == "" {
				name = "api.example.com."
			}
			err := CheckGroup("example.com.", name, tt.rrtype, tt.next, tt.otherTypes)
			if tt.route53 == "" {
				if err != nil {
					t.Fatalf("refused a valid group: %v", err)
				}
				return
			}
			if !errors.Is(err, dns.ErrInvalid) || !strings.Contains(err.Error(), tt.route53) {
				t.Errorf("CheckGroup = %v\nwant ErrInvalid quoting %q", err, tt.route53)
			}
		})
	}
}

func hundredAndOne() []types.ResourceRecordSet {
	out := make([]types.ResourceRecordSet, 101)
	for i := range out {
		out[i] = rr("s"+strings.Repeat("x", i), 1, 60, "192.0.2.1")
	}
	return out
}

// TestCheckRecordSet: Check applies the same rules to ferry's model, for
// validate and plan.
func TestCheckRecordSet(t *testing.T) {
	ok := dns.RecordSet{Name: "api.example.com.", Type: "A", TTL: 60, Sets: []dns.WeightedSet{{ID: "legacy", Weight: 100, Values: []string{"192.0.2.1"}}, {ID: "cluster", Values: []string{"192.0.2.2"}}}}
	if err := Check(ok, "example.com."); err != nil {
		t.Errorf("Check(adoption) = %v", err)
	}
	zero := ok.Clone()
	zero.Sets[0].Weight = 0
	if err := Check(zero, ""); !errors.Is(err, dns.ErrInvalid) {
		t.Errorf("Check(all zero) = %v, want ErrInvalid", err)
	}
}
