package ha

import "slices"

// Region is an AWS region and how many availability zones it offers.
type Region struct {
	// Name is the region code, like us-west-1.
	Name string `json:"name"`
	// Zones is how many availability zones the region has.
	Zones int `json:"zones"`
	// Offered is how many of them an account is offered: fewer than Zones
	// where AWS keeps a zone for the accounts that already used it.
	Offered int `json:"offered"`
	// Note says who sees how many, where that differs.
	Note string `json:"note,omitempty"`
	// Near is a region of three or more zones close by, for regions that
	// offer fewer.
	Near string `json:"near,omitempty"`
}

// AWSRegions is the table of AWS regions and their zones (AWS's global
// infrastructure page as of 2025; `aws ec2 describe-availability-zones
// --region R` tells what one account is offered). Zone letters differ from
// account to account, so only the counts are kept.
func AWSRegions() []Region {
	r := func(name string, zones int) Region { return Region{Name: name, Zones: zones, Offered: zones} }
	return []Region{
		r("af-south-1", 3), r("ap-east-1", 3), r("ap-northeast-2", 4),
		r("ap-northeast-3", 3), r("ap-south-1", 3), r("ap-south-2", 3), r("ap-southeast-1", 3),
		r("ap-southeast-2", 3), r("ap-southeast-3", 3), r("ap-southeast-4", 3), r("ap-southeast-5", 3),
		r("ca-central-1", 3), r("ca-west-1", 3), r("eu-central-1", 3), r("eu-central-2", 3),
		r("eu-north-1", 3), r("eu-south-1", 3), r("eu-south-2", 3), r("eu-west-1", 3),
		r("eu-west-2", 3), r("eu-west-3", 3), r("il-central-1", 3), r("me-central-1", 3),
		r("me-south-1", 3), r("mx-central-1", 3), r("sa-east-1", 3), r("us-east-1", 6),
		r("us-east-2", 3), r("us-gov-east-1", 3), r("us-gov-west-1", 3), r("us-west-2", 4),
		{Name: "ap-northeast-1", Zones: 4, Offered: 3,
			Note: "four zones exist; accounts created since 2018 are offered three"},
		{Name: "us-west-1", Zones: 3, Offered: 2, Near: "us-west-2",
			Note: "three zones exist, but most accounts (all created in the last decade) are offered two"},
	}
}

// AWSRegion looks a region up in the table.
func AWSRegion(name string) (Region, bool) {
	all := AWSRegions()
	i := slices.IndexFunc(all, func(r Region) bool { return r.Name == name })
	if i < 0 {
		return Region{}, false
	}
	return all[i], true
}

// SpreadZones is how many zones to spread replicas over in a region: three,
// or fewer where the region offers fewer. Unknown regions count as three.
func SpreadZones(region string) int {
	if r, ok := AWSRegion(region); ok && r.Offered < 3 {
		return r.Offered
	}
	return 3
}
