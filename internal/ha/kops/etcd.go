package kops

import (
	"net/netip"
	"strings"

	"ferry.dev/ferry/internal/ha"
)

// groupHosts indexes the instance groups by name: their instances, the
// zones they span and their kops roles.
type groupHosts struct {
	hosts, zones map[string][]string
	roles        map[string]string
}

// member places an etcd member on the first instance of its group. A group
// spanning several zones may run it in any of them: the zones are kept so
// that the analysis can count the member lost with each.
func (g groupHosts) member(m etcdMember, aws bool) ha.Member {
	ig := m.InstanceGroup.Value
	mem := ha.Member{Name: m.Name.Value, Instance: g.hosts[ig][0], Group: ig, EncryptedVolume: volumeFact(aws, m.EncryptedVolume)}
	if len(g.zones[ig]) > 1 {
		mem.Zones = g.zones[ig]
	}
	return mem
}

// etcdClusters resolves each etcd member to the instance its group runs,
// refusing members that point at missing or non-control-plane groups.
func etcdClusters(s *specs, g groupHosts, p *problems) []ha.EtcdCluster {
	hosts, roles := g.hosts, g.roles
	file := s.cluster.file
	if len(s.clusterSpec.EtcdClusters) == 0 {
		p.add(file, s.cluster.Kind.Line, "Cluster %q has no etcdClusters", s.cluster.Metadata.Name.Value)
	}
	aws := strings.EqualFold(s.clusterSpec.CloudProvider.Value, "aws")
	seen := map[string]bool{}
	var out []ha.EtcdCluster
	for _, ec := range s.clusterSpec.EtcdClusters {
		name := ec.Name.Value
		if name == "" || seen[name] {
			p.add(file, ec.Name.Line, "etcd cluster name %q is empty or used twice", name)
			continue
		}
		seen[name] = true
		if len(ec.EtcdMembers) == 0 {
			p.add(file, ec.Name.Line, "etcd cluster %q has no etcdMembers", name)
		}
		e := ha.EtcdCluster{Name: name}
		names, groups := map[string]bool{}, map[string]bool{}
		for _, m := range ec.EtcdMembers {
			ig := m.InstanceGroup.Value
			switch {
			case m.Name.Value == "" || names[m.Name.Value]:
				p.add(file, lineOr(m.Name.Line, m.InstanceGroup.Line), "etcd cluster %q: member name %q is empty or used twice", name, m.Name.Value)
			case s.broken["InstanceGroup/"+ig]:
			case roles[ig] == "":
				p.add(file, lineOr(m.InstanceGroup.Line, ec.Name.Line), "etcd cluster %q: member %q: instanceGroup %q is not among the InstanceGroups read", name, m.Name.Value, ig)
			case roles[ig] != "Master" && roles[ig] != "ControlPlane":
				p.add(file, m.InstanceGroup.Line, "etcd cluster %q: member %q: instanceGroup %q has role %s, not Master", name, m.Name.Value, ig, roles[ig])
			case len(hosts[ig]) == 0:
				p.add(file, m.InstanceGroup.Line, "etcd cluster %q: member %q: instanceGroup %q runs no instance (minSize 0)", name, m.Name.Value, ig)
			case groups[ig]:
				p.add(file, m.InstanceGroup.Line, "etcd cluster %q: member %q: instanceGroup %q already hosts another member of this cluster", name, m.Name.Value, ig)
			default:
				e.Members = append(e.Members, g.member(m, aws))
			}
			names[m.Name.Value], groups[ig] = true, true
		}
		out = append(out, e)
	}
	return out
}

// volumeFact judges encryptedVolume only on AWS, the cloud where kops'
// setting applies and where it defaults to off.
func volumeFact(aws bool, encrypted *bool) ha.Fact {
	switch {
	case !aws:
		return ha.Unknown
	case encrypted != nil && *encrypted:
		return ha.Yes
	}
	return ha.No
}

// security reads the audited settings with kops' defaults: no
// authorization section means AlwaysAllow (kops keeps that for clusters
// older than the field), encryptionConfig defaults to off, and an empty
// sshAccess/kubernetesApiAccess opens nothing.
func security(s *specs) ha.Security {
	cs := s.clusterSpec
	sec := ha.Security{SecretsEncrypted: ha.No, RBAC: ha.No, SSHKey: ha.Unknown}
	if cs.EncryptionConfig != nil && *cs.EncryptionConfig {
		sec.SecretsEncrypted = ha.Yes
	}
	if cs.Authorization != nil && cs.Authorization.RBAC != nil {
		sec.RBAC = ha.Yes
	}
	if a := cs.KubeAPIServer; a != nil && a.AuthorizationMode != nil {
		sec.RBAC = ha.No
		for _, m := range strings.Split(a.AuthorizationMode.Value, ",") {
			if strings.TrimSpace(m) == "RBAC" {
				sec.RBAC = ha.Yes
			}
		}
	}
	sec.SSHAccess, sec.APIAccess = values(cs.SSHAccess), values(cs.KubernetesAPIAccess)
	switch {
	case s.sshKeys > 0 || (cs.SSHKeyName != nil && cs.SSHKeyName.Value != ""):
		sec.SSHKey = ha.Yes
	case cs.SSHKeyName != nil:
		sec.SSHKey = ha.No
	}
	return sec
}

func values(ts []text) []string {
	out := make([]string, 0, len(ts))
	for _, t := range ts {
		out = append(out, t.Value)
	}
	return out
}

// checkRanges reports source ranges that are not CIDRs.
func checkRanges(s *specs, p *problems) {
	for _, list := range [][]text{s.clusterSpec.SSHAccess, s.clusterSpec.KubernetesAPIAccess} {
		for _, t := range list {
			if _, err := netip.ParsePrefix(t.Value); err != nil {
				p.add(s.cluster.file, t.Line, "%q is not a CIDR range", t.Value)
			}
		}
	}
}
