package dns_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/dns"
)

func TestValidate(t *testing.T) {
	good := func() dns.RecordSet {
		return dns.RecordSet{Name: "api.example.test.", Type: dns.TypeA, TTL: 30, Sets: []dns.WeightedSet{
			{ID: "legacy", Weight: 90, Values: []string{"192.0.2.1"}},
			{ID: "cluster", Weight: 10, Values: []string{"192.0.2.2"}},
		}}
	}
	with := func(f func(*dns.RecordSet)) dns.RecordSet {
		rs := good()
		f(&rs)
		return rs
	}
	cases := []struct {
		name string
		rs   dns.RecordSet
		// want holds the field each problem names, in order; none: valid.
		want []string
	}{
		{name: "valid", rs: good()},
		{name: "all weights zero", rs: with(func(rs *dns.RecordSet) { rs.Sets[0].Weight, rs.Sets[1].Weight = 0, 0 })},
		{name: "largest weight and TTL", rs: with(func(rs *dns.RecordSet) { rs.Sets[0].Weight, rs.TTL = dns.MaxWeight, dns.MaxTTL })},
		{name: "TTL 1", rs: with(func(rs *dns.RecordSet) { rs.TTL = 1 })},
		{name: "ids with dots, dashes, underscores", rs: with(func(rs *dns.RecordSet) { rs.Sets[0].ID, rs.Sets[1].ID = "eu-west.1_a", "0" })},
		{name: "id of 63 characters", rs: with(func(rs *dns.RecordSet) { rs.Sets[0].ID = strings.Repeat("a", 63) })},
		{name: "AAAA", rs: dns.RecordSet{Name: "v6.example.test.", Type: dns.TypeAAAA, TTL: 60,
			Sets: []dns.WeightedSet{{ID: "a", Weight: 1, Values: []string{"2001:db8::1"}}}}},
		{name: "CNAME", rs: dns.RecordSet{Name: "www.example.test.", Type: dns.TypeCNAME, TTL: 60,
			Sets: []dns.WeightedSet{{ID: "a", Weight: 1, Values: []string{"lb.example.net."}}}}},
		{name: "TXT with spaces", rs: dns.RecordSet{Name: "example.test.", Type: dns.TypeTXT, TTL: 60,
			Sets: []dns.WeightedSet{{ID: "a", Weight: 1, Values: []string{"v=spf1 -all"}}}}},

		{name: "TTL left out", rs: with(func(rs *dns.RecordSet) { rs.TTL = 0 }), want: []string{"ttl"}},
		{name: "TTL above 2^31-1", rs: with(func(rs *dns.RecordSet) { rs.TTL = dns.MaxTTL + 1 }), want: []string{"ttl"}},
		{name: "no name", rs: with(func(rs *dns.RecordSet) { rs.Name = "" }), want: []string{"name"}},
		{name: "root name", rs: with(func(rs *dns.RecordSet) { rs.Name = "." }), want: []string{"name"}},
		{name: "unsupported type", rs: with(func(rs *dns.RecordSet) { rs.Type = "MX" }), want: []string{"type"}},
		{name: "no sets", rs: with(func(rs *dns.RecordSet) { rs.Sets = nil }), want: []string{"sets"}},
		{name: "empty id", rs: with(func(rs *dns.RecordSet) { rs.Sets[1].ID = "" }), want: []string{"sets[1].id"}},
		{name: "duplicate id", rs: with(func(rs *dns.RecordSet) { rs.Sets[1].ID = "legacy" }), want: []string{"sets[1].id"}},
		{name: "id with a quote", rs: with(func(rs *dns.RecordSet) { rs.Sets[0].ID = `a"b` }), want: []string{"sets[0].id"}},
		{name: "id with a newline", rs: with(func(rs *dns.RecordSet) { rs.Sets[0].ID = "a\nb" }), want: []string{"sets[0].id"}},
		{name: "id with a space", rs: with(func(rs *dns.RecordSet) { rs.Sets[0].ID = "a b" }), want: []string{"sets[0].id"}},
		{name: "id starting with a dash", rs: with(func(rs *dns.RecordSet) { rs.Sets[0].ID = "-a" }), want: []string{"sets[0].id"}},
		{name: "id of 64 characters", rs: with(func(rs *dns.RecordSet) { rs.Sets[0].ID = strings.Repeat("a", 64) }), want: []string{"sets[0].id"}},
		{name: "id not ASCII", rs: with(func(rs *dns.RecordSet) { rs.Sets[0].ID = "café" }), want: []string{"sets[0].id"}},
		{name: "weight above 255", rs: with(func(rs *dns.RecordSet) { rs.Sets[0].Weight = 256 }), want: []string{"sets[0].weight"}},
		{name: "negative weight", rs: with(func(rs *dns.RecordSet) { rs.Sets[1].Weight = -1 }), want: []string{"sets[1].weight"}},
		{name: "set without values", rs: with(func(rs *dns.RecordSet) { rs.Sets[0].Values = nil }), want: []string{"sets[0].values"}},
		{name: "IPv6 in an A set", rs: with(func(rs *dns.RecordSet) { rs.Sets[1].Values = []string{"::1"} }), want: []string{"sets[1].values[0]"}},
		{name: "IPv4 in an AAAA set", rs: dns.RecordSet{Name: "v6.example.test.", Type: dns.TypeAAAA, TTL: 60,
			Sets: []dns.WeightedSet{{ID: "a", Weight: 1, Values: []string{"::ffff:192.0.2.1"}}}}, want: []string{"sets[0].values[0]"}},
		{name: "two CNAME targets", rs: dns.RecordSet{Name: "www.example.test.", Type: dns.TypeCNAME, TTL: 60,
			Sets: []dns.WeightedSet{{ID: "a", Weight: 1, Values: []string{"a.example.net.", "b.example.net."}}}}, want: []string{"sets[0].values"}},
		{name: "CNAME target with a space", rs: dns.RecordSet{Name: "www.example.test.", Type: dns.TypeCNAME, TTL: 60,
			Sets: []dns.WeightedSet{{ID: "a", Weight: 1, Values: []string{"a b."}}}}, want: []string{"sets[0].values[0]"}},
		{name: "every problem at once", rs: dns.RecordSet{Name: "", Type: "A", Sets: []dns.WeightedSet{
			{ID: "a b", Weight: 300, Values: []string{"x"}}, {ID: "ok", Weight: 1}}},
			want: []string{"name", "ttl", "sets[0].id", "sets[0].weight", "sets[0].values[0]", "sets[1].values"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := fields(tc.rs.Validate())
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("fields named by Validate (-want +got):\n%s\nerror: %v", diff, tc.rs.Validate())
			}
		})
	}
}

// fields returns the field each line of a joined Validate error names: the
// text before its first ':'.
func fields(err error) []string {
	if err == nil {
		return nil
	}
	var out []string
	for _, line := range strings.Split(err.Error(), "\n") {
		f, _, _ := strings.Cut(line, ":")
		out = append(out, f)
	}
	return out
}
