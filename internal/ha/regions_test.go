package ha

import "testing"

func TestAWSRegions(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range AWSRegions() {
		if seen[r.Name] {
			t.Errorf("%s listed twice", r.Name)
		}
		seen[r.Name] = true
		if r.Offered < 2 || r.Offered > r.Zones || (r.Offered < r.Zones) != (r.Note != "") {
			t.Errorf("%+v: offered must be 2..zones, with a note exactly when fewer", r)
		}
		if r.Offered < 3 && r.Near == "" {
			t.Errorf("%s offers %d zones but names no region near by with three", r.Name, r.Offered)
		}
	}
	for region, want := range map[string]int{"us-west-1": 2, "us-east-1": 3, "eu-west-3": 3, "mars-north-1": 3} {
		if got := SpreadZones(region); got != want {
			t.Errorf("SpreadZones(%s) = %d, want %d", region, got, want)
		}
	}
}
