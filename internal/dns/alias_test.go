package dns

import (
	"strings"
	"testing"
)

func TestAliasValues(t *testing.T) {
	a, err := ParseAlias("alias:z35sxdotrq7x7k:Legacy-123.elb.amazonaws.com:evaluate")
	if err != nil || a.String() != "alias:Z35SXDOTRQ7X7K:legacy-123.elb.amazonaws.com.:evaluate" {
		t.Errorf("ParseAlias = %v, %v", a, err)
	}
	for _, bad := range []string{"alias:", "alias:Z1", "alias:z-1:lb.example.com", "alias:Z1:lb.example.com:yes", "alias:Z1::"} {
		if _, err := ParseAlias(bad); err == nil {
			t.Errorf("ParseAlias(%q) accepted it", bad)
		}
	}
	rs := func(typ string, values ...string) RecordSet {
		return RecordSet{Name: "api.example.com.", Type: typ, TTL: 60, Sets: []WeightedSet{{ID: "legacy", Weight: 1, Values: values}}}
	}
	elb := "alias:Z35SXDOTRQ7X7K:lb.example.com."
	if err := rs(TypeA, elb).Validate(); err != nil {
		t.Errorf("an A alias: %v", err)
	}
	for want, bad := range map[string]RecordSet{
		"holds that target alone": rs(TypeA, elb, "192.0.2.1"),
		"not CNAME":               rs(TypeCNAME, elb),
	} {
		if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate = %v, want %q", err, want)
		}
	}
	if !rs(TypeA, "alias:z35sxdotrq7x7k:LB.example.com").Equal(rs(TypeA, elb)) {
		t.Error("two spellings of one alias are not Equal")
	}
}
