package kops

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"ferry.dev/ferry/internal/ha"
)

// clusterLabel is the label kops puts on each InstanceGroup.
const clusterLabel = "kops.k8s.io/cluster"

// place is a zone and the region holding it.
type place struct{ zone, region string }

// resolve turns the documents into a cluster, checking that they agree.
func resolve(s *specs, p *problems) ha.Cluster {
	cs, name := s.clusterSpec, s.cluster.Metadata.Name.Value
	c := ha.Cluster{
		Name:        name,
		Source:      ha.SourceKops,
		Cloud:       cs.CloudProvider.Value,
		EtcdVisible: true,
		Security:    security(s),
	}
	subnets := subnetIndex(s, p)
	hosts := map[string][]string{} // instance group → its instance names
	zones := map[string][]string{} // instance group → the zones it spans
	roles := map[string]string{}   // instance group → its kops role
	for _, g := range s.groups {
		gname := g.doc.Metadata.Name.Value
		if l, ok := g.doc.Metadata.Labels[clusterLabel]; ok && l != name {
			p.add(g.doc.file, g.doc.Metadata.Name.Line, "InstanceGroup %q belongs to cluster %q (label %s), not %q", gname, l, clusterLabel, name)
			s.markBroken(g.doc)
			continue
		}
		roles[gname] = g.spec.Role.Value
		role, ok := groupRole(g, p)
		if !ok {
			if g.spec.Role.Value != "Bastion" {
				s.markBroken(g.doc)
			}
			continue
		}
		places := groupPlaces(g, c.Cloud, subnets, p)
		for _, pl := range places {
			zones[gname] = append(zones[gname], pl.zone)
		}
		for _, in := range instances(g, role, places, groupSize(g, role, p)) {
			hosts[gname] = append(hosts[gname], in.Name)
			c.Instances = append(c.Instances, in)
		}
	}
	c.Etcd = etcdClusters(s, groupHosts{hosts, zones, roles}, p)
	checkRanges(s, p)
	return c
}

// subnetIndex maps subnet names to their place.
func subnetIndex(s *specs, p *problems) map[string]subnet {
	out := map[string]subnet{}
	for _, sn := range s.clusterSpec.Subnets {
		if _, dup := out[sn.Name.Value]; dup {
			p.add(s.cluster.file, sn.Name.Line, "subnet %q is listed twice", sn.Name.Value)
		}
		out[sn.Name.Value] = sn
	}
	return out
}

// groupRole maps kops roles onto ha roles; bastions are not part of the
// cluster's availability and are left out.
func groupRole(g group, p *problems) (ha.Role, bool) {
	switch g.spec.Role.Value {
	case "Master", "ControlPlane":
		return ha.RoleControlPlane, true
	case "APIServer":
		return ha.RoleAPIServer, true
	case "Node":
		return ha.RoleWorker, true
	case "Bastion":
		return "", false
	}
	if g.spec.Role.Value == "" {
		p.add(g.doc.file, g.doc.line, "InstanceGroup %q has no role", g.doc.Metadata.Name.Value)
		return "", false
	}
	p.add(g.doc.file, g.spec.Role.Line, "InstanceGroup %q: role %q: want Master, ControlPlane, APIServer, Node or Bastion",
		g.doc.Metadata.Name.Value, g.spec.Role.Value)
	return "", false
}

// groupSize is the group's minimum size: what is running when autoscaling
// has shrunk it. kops defaults it to 1 for control planes and 2 for nodes.
func groupSize(g group, role ha.Role, p *problems) int {
	size := 2
	if role != ha.RoleWorker {
		size = 1
	}
	if g.spec.MinSize != nil {
		size = *g.spec.MinSize
	}
	name := g.doc.Metadata.Name.Value
	switch {
	case size < 0:
		p.add(g.doc.file, g.doc.line, "InstanceGroup %q: minSize %d is negative", name, size)
		return 0
	case g.spec.MaxSize != nil && *g.spec.MaxSize < size:
		p.add(g.doc.file, g.doc.line, "InstanceGroup %q: maxSize %d is below minSize %d", name, *g.spec.MaxSize, size)
	}
	return size
}

// groupPlaces finds the zones of a group: its own zones (GCE), otherwise
// the zones of its subnets, each subnet's zone counted once.
func groupPlaces(g group, cloud string, subnets map[string]subnet, p *problems) []place {
	name := g.doc.Metadata.Name.Value
	var region string
	var places []place
	for _, ref := range g.spec.Subnets {
		sn, ok := subnets[ref.Value]
		if !ok {
			p.add(g.doc.file, ref.Line, "InstanceGroup %q: subnet %q is not in the Cluster's subnets", name, ref.Value)
			continue
		}
		region = cmpOr(sn.Region.Value, region)
		if sn.Zone.Value != "" && len(g.spec.Zones) == 0 {
			places = appendPlace(places, place{sn.Zone.Value, cmpOr(sn.Region.Value, regionOf(cloud, sn.Zone.Value))})
		}
	}
	for _, z := range g.spec.Zones {
		places = appendPlace(places, place{z.Value, cmpOr(region, regionOf(cloud, z.Value))})
	}
	if len(places) == 0 && len(g.spec.Subnets) > 0 {
		p.add(g.doc.file, g.doc.line, "InstanceGroup %q: no zone: its subnets have no zone: and it lists no zones:", name)
	}
	if len(g.spec.Subnets) == 0 && len(g.spec.Zones) == 0 {
		p.add(g.doc.file, g.doc.line, "InstanceGroup %q lists no subnets", name)
	}
	return places
}

func appendPlace(ps []place, x place) []place {
	if slices.Contains(ps, x) {
		return ps
	}
	return append(ps, x)
}

// instances expands a group into its instances, spread over its zones in
// turn as the cloud's autoscaling groups balance them.
func instances(g group, role ha.Role, places []place, size int) []ha.Instance {
	if len(places) == 0 {
		return nil
	}
	name := g.doc.Metadata.Name.Value
	out := make([]ha.Instance, 0, size)
	for i := range size {
		in := ha.Instance{Name: name, Zone: places[i%len(places)].zone, Region: places[i%len(places)].region, Role: role, APIServer: role != ha.RoleWorker}
		if size > 1 {
			in.Name = fmt.Sprintf("%s-%d", name, i+1)
		}
		out = append(out, in)
	}
	return out
}

var (
	awsZone = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([a-z]{2}(?:-[a-z]+)+-\d+)[a-z]$`) })
	gceZone = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([a-z]+(?:-[a-z]+)*\d+)-[a-z]$`) })
)

// regionOf derives the region from a zone where the cloud's naming allows:
// AWS us-east-1a is in us-east-1, GCE us-central1-a in us-central1.
// Elsewhere the region stays unnamed.
func regionOf(cloud, zone string) string {
	var re *regexp.Regexp
	switch strings.ToLower(cloud) {
	case "aws":
		re = awsZone()
	case "gce":
		re = gceZone()
	default:
		return ""
	}
	if m := re.FindStringSubmatch(zone); m != nil {
		return m[1]
	}
	return ""
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
