package kops

import (
	"strings"
	"testing"

	"ferry.dev/ferry/internal/ha"
)

// TestRegionWithTwoZones: a control plane in us-west-1a and us-west-1c.
// "Three zones in all" is no advice there: us-west-1 offers most accounts
// two zones, so the finding says no layout survives a zone loss and names
// the real options, a three-zone region (with what then crosses regions)
// or instance-level HA as a stated compromise.
func TestRegionWithTwoZones(t *testing.T) {
	c, err := readFiles(t, "testdata/three-members-us-west-1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	findings := ha.Audit(c)
	var spread []ha.Finding
	for _, f := range findings {
		if f.Check == "etcd-zone-spread" {
			spread = append(spread, f)
		}
	}
	if len(spread) != 2 {
		t.Fatalf("%d etcd-zone-spread findings, want 2 (main and events): %+v", len(spread), findings)
	}
	for _, f := range spread {
		for _, want := range []string{"us-west-1 offers most accounts only 2 zones", "no etcd layout there survives losing a zone"} {
			if !strings.Contains(f.Message, want) {
				t.Errorf("message %q lacks %q", f.Message, want)
			}
		}
		for _, want := range []string{"region with three or more zones (like us-west-2)", "such as a database", "VPC peering between regions", "--require instance"} {
			if !strings.Contains(f.Fix, want) {
				t.Errorf("fix %q lacks %q", f.Fix, want)
			}
		}
		if strings.Contains(f.Fix, "three zones in all") {
			t.Errorf("fix %q still asks for three zones in a region that has two", f.Fix)
		}
	}
}

// TestRegionWithThreeZonesKeepsTheAdvice: eu-west-3 offers three zones, so
// the advice stays "three zones in all".
func TestRegionWithThreeZonesKeepsTheAdvice(t *testing.T) {
	c, err := readFiles(t, "testdata/three-members-two-zones.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ha.Audit(c) {
		if f.Check == "etcd-zone-spread" && !strings.Contains(f.Fix, "three zones in all") {
			t.Errorf("fix %q", f.Fix)
		}
	}
}
