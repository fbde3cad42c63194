package ha

import (
	"fmt"
	"strings"
)

// zoneSpread is the finding for etcd members in fewer than three zones. The
// usual fix is a third zone; in a region that offers fewer than three, no
// layout survives losing a zone, and the fix names what can be done
// instead.
func zoneSpread(c Cluster, e EtcdCluster, z map[string]int) Finding {
	n := len(e.Members)
	msg := fmt.Sprintf("etcd %s has %d members in %d zone%s (%s)%s", e.Name, n, len(z), plural(len(z)), zoneCounts(z), quorumZones(c, e))
	r, ok := narrowRegion(c, e)
	if !ok {
		return Finding{SeverityWarning, "etcd-zone-spread", msg,
			fix(c, "put each etcd member's control-plane instance group in its own zone, three zones in all",
				"spread the control-plane nodes over three zones")}
	}
	msg += fmt.Sprintf("; %s offers most accounts only %d zones (%s), so no etcd layout there survives losing a zone", r.Name, r.Offered, r.Note)
	near := "a region with three or more zones"
	if r.Near != "" {
		near += " (like " + r.Near + ")"
	}
	return Finding{SeverityWarning, "etcd-zone-spread", msg, fmt.Sprintf(
		"run the control plane in %s and reach what must stay in %s, such as a database, across regions (VPC peering between regions); "+
			"or accept instance-level HA as a stated compromise (--require instance)", near, r.Name)}
}

// narrowRegion is the AWS region the members run in when it offers fewer
// than three zones.
func narrowRegion(c Cluster, e EtcdCluster) (Region, bool) {
	if c.Cloud != "" && !strings.EqualFold(c.Cloud, "aws") {
		return Region{}, false
	}
	region := ""
	for _, m := range e.Members {
		for _, in := range c.Instances {
			if in.Name == m.Instance && in.Region != "" {
				if region != "" && in.Region != region {
					return Region{}, false // spread over regions: a different story
				}
				region = in.Region
			}
		}
	}
	r, ok := AWSRegion(region)
	return r, ok && r.Offered < 3
}
