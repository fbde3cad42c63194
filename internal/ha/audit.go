package ha

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Severity says whether a finding breaks a guarantee (error) or is a risk a
// team may accept knowingly (warning).
type Severity string

// Severities.
const (
	// SeverityError breaks a guarantee outright and fails the check.
	SeverityError Severity = "error"
	// SeverityWarning is a risk a team may accept; it never fails the check.
	SeverityWarning Severity = "warning"
)

// Finding is one audit result with the one-line fix.
type Finding struct {
	// Severity says whether the finding fails the check.
	Severity Severity `json:"severity"`
	// Check names the audit (etcd-zone-spread, rbac, ...), stable for scripts.
	Check string `json:"check"`
	// Message says what is wrong in this cluster, naming its parts.
	Message string `json:"message"`
	// Fix is one line saying what to change, worded for the Source.
	Fix string `json:"fix"`
}

// Audit runs every check on c: control plane first, then security
// settings, then services. Settings a reader could not see are not judged.
func Audit(c Cluster) []Finding {
	out := []Finding{}
	out = append(out, auditInstances(c)...)
	for _, e := range c.Etcd {
		out = append(out, auditEtcd(c, e)...)
	}
	out = append(out, auditSecurity(c)...)
	zoneOf, down := zoneIndex(c), downSet(c)
	for _, s := range c.Services {
		out = append(out, auditService(s, serviceZones(s, zoneOf, down))...)
	}
	return out
}

// fix picks the wording for where the cluster was read from.
func fix(c Cluster, kops, live string) string {
	if c.Source == SourceKops {
		return kops
	}
	return live
}

func auditInstances(c Cluster) []Finding {
	var out []Finding
	var down []string
	hasCP := false
	for _, in := range c.Instances {
		if in.Down {
			down = append(down, in.Name)
		}
		hasCP = hasCP || in.Role != RoleWorker
	}
	if len(down) > 0 {
		out = append(out, Finding{SeverityWarning, "instances-down",
			fmt.Sprintf("%d instance%s already down: %s", len(down), plural(len(down)), strings.Join(down, ", ")),
			"bring the NotReady nodes back or replace them before counting on their failure domains"})
	}
	// Members on instances that are down are counted with the instances.
	var members []string
	downs := downSet(c)
	for _, e := range c.Etcd {
		for _, m := range e.Members {
			if m.Down && !downs[m.Instance] {
				members = append(members, e.Name+"/"+m.Name)
			}
		}
	}
	if len(members) > 0 {
		out = append(out, Finding{SeverityWarning, "etcd-members-down",
			fmt.Sprintf("etcd member%s not ready: %s", plural(len(members)), strings.Join(members, ", ")),
			"look at the member's logs (kubectl -n kube-system logs POD) and restore or replace it"})
	}
	out = append(out, auditWorkers(c)...)
	if c.ControlPlaneUnidentified {
		out = append(out, Finding{SeverityWarning, "control-plane-unidentified",
			"control plane not identifiable: control-plane pods run in kube-system but no node is labelled control-plane or runs a kube-apiserver or etcd pod; the API is not judged",
			"label the control-plane nodes (node-role.kubernetes.io/control-plane)"})
	}
	if hasCP && !c.EtcdVisible {
		out = append(out, Finding{SeverityWarning, "etcd-not-visible",
			"control-plane nodes are visible but no etcd member pods: quorum cannot be judged",
			"run ferry check kops on the cluster's spec, or check the external etcd's members and zones by hand"})
	}
	return out
}

// auditWorkers warns when the workers that are up sit in fewer than two
// zones: losing that zone leaves nothing to run the services on.
func auditWorkers(c Cluster) []Finding {
	if !hasWorkers(c) {
		return nil
	}
	z := map[string]int{}
	for _, in := range c.Instances {
		if in.Role == RoleWorker && !in.Down {
			z[in.Zone]++
		}
	}
	if len(z) >= 2 {
		return nil
	}
	msg := "no worker is up: nothing can run the services"
	if zone := sortedKeys(z); len(zone) == 1 && z[zone[0]] == 1 {
		msg = fmt.Sprintf("1 worker up (%s): losing it or its zone leaves no worker to run the services", zoneName(zone[0]))
	} else if len(zone) == 1 {
		msg = fmt.Sprintf("%d workers up, all in one zone (%s): losing it leaves no worker to run the services", z[zone[0]], zoneCounts(z))
	}
	return []Finding{{SeverityWarning, "workers-zone-spread", msg,
		fix(c, "add Node instance groups (or subnets of the nodes group) in at least two zones", "run worker nodes in at least two zones")}}
}

func auditEtcd(c Cluster, e EtcdCluster) []Finding {
	var out []Finding
	n := len(e.Members)
	switch {
	case n%2 == 0:
		out = append(out, Finding{SeverityError, "etcd-even-members",
			fmt.Sprintf("etcd %s has %d members: quorum is %d, so it tolerates %s, no better than %d member%s",
				e.Name, n, Quorum(n), memberLosses(n-Quorum(n)), n-1, plural(n-1)),
			fix(c, fmt.Sprintf("list an odd number of etcdMembers (3 or 5) in etcdClusters %s", e.Name),
				"run an odd number of etcd members (3 or 5)")})
	case n < 3:
		out = append(out, Finding{SeverityWarning, "etcd-too-few-members",
			fmt.Sprintf("etcd %s has %d member: losing it loses the cluster", e.Name, n),
			fix(c, fmt.Sprintf("run 3 control-plane instance groups, one per zone, each an etcdMember of %s", e.Name),
				"run 3 control-plane nodes, one per zone, each with an etcd member")})
	}
	if z := memberZones(c, e); n >= 3 && len(z) < 3 {
		out = append(out, zoneSpread(c, e, z))
	}
	for _, m := range e.Members {
		if len(m.Zones) > 1 {
			out = append(out, Finding{SeverityWarning, "etcd-member-zones",
				fmt.Sprintf("etcd %s member %s: instance group %s spans zones %s, so the member may run in any of them and is counted as lost with each%s",
					e.Name, m.Name, cmp.Or(m.Group, m.Instance), strings.Join(m.Zones, ", "), quorumZones(c, e)),
				fix(c, "give each etcd member's instance group exactly one subnet", "pin each etcd member to one zone")})
		}
	}
	var plain []string
	for _, m := range e.Members {
		if m.EncryptedVolume == No {
			plain = append(plain, m.Name)
		}
	}
	if len(plain) > 0 {
		out = append(out, Finding{SeverityWarning, "etcd-volume-unencrypted",
			fmt.Sprintf("etcd %s members %s keep their data on unencrypted volumes", e.Name, strings.Join(plain, ", ")),
			fix(c, fmt.Sprintf("set encryptedVolume: true on every etcdMember of %s", e.Name), "encrypt the etcd data volumes")})
	}
	return out
}

// memberZones counts members by zone, in zone order.
func memberZones(c Cluster, e EtcdCluster) map[string]int {
	z := map[string]int{}
	for _, m := range e.Members {
		z[instanceZone(c, m.Instance)]++
	}
	return z
}

func zoneCounts(z map[string]int) string {
	var parts []string
	for _, name := range sortedKeys(z) {
		parts = append(parts, fmt.Sprintf("%s: %d", zoneName(name), z[name]))
	}
	return strings.Join(parts, ", ")
}

// memberLosses words how many member losses an etcd cluster tolerates.
func memberLosses(n int) string {
	switch n {
	case 0:
		return "no member loss"
	case 1:
		return "1 member loss"
	}
	return fmt.Sprintf("%d member losses", n)
}

// quorumZones names the zones whose loss alone loses quorum, counting a
// member that may run in several zones as lost with each of them.
func quorumZones(c Cluster, e EtcdCluster) string {
	lost := map[string]int{}
	for _, m := range e.Members {
		for _, z := range placesOf(c, m) {
			lost[z]++
		}
	}
	var lose []string
	for _, name := range sortedKeys(lost) {
		if len(e.Members)-lost[name] < Quorum(len(e.Members)) {
			lose = append(lose, zoneName(name))
		}
	}
	if len(lose) == 0 {
		return ""
	}
	return "; losing " + strings.Join(lose, " or ") + " loses quorum"
}

// placesOf is every zone whose loss takes the member: its instance's zone
// and the other zones its instance group may put it in.
func placesOf(c Cluster, m Member) []string {
	zs := []string{instanceZone(c, m.Instance)}
	for _, z := range m.Zones {
		zs = appendNew(zs, z)
	}
	return zs
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func auditSecurity(c Cluster) []Finding {
	var out []Finding
	s := c.Security
	if s.SecretsEncrypted == No {
		out = append(out, Finding{SeverityWarning, "secrets-encryption",
			"Kubernetes Secrets are stored unencrypted in etcd",
			fix(c, "set spec.encryptionConfig: true and create the encryptionconfig secret (kops create secret encryptionconfig)",
				"start kube-apiserver with --encryption-provider-config (aescbc or kms)")})
	}
	if s.RBAC == No {
		out = append(out, Finding{SeverityError, "rbac",
			"RBAC is not enabled: every authenticated client may do anything",
			fix(c, "set spec.authorization: {rbac: {}}", "start kube-apiserver with --authorization-mode=Node,RBAC")})
	}
	if open := openRanges(s.SSHAccess); len(open) > 0 {
		out = append(out, Finding{SeverityWarning, "ssh-open",
			"SSH is open to the whole internet (" + strings.Join(open, ", ") + ")",
			fix(c, "list only your admin ranges in spec.sshAccess (or use a bastion)", "allow SSH only from your admin ranges")})
	}
	if open := openRanges(s.APIAccess); len(open) > 0 {
		out = append(out, Finding{SeverityWarning, "api-open",
			"the Kubernetes API is open to the whole internet (" + strings.Join(open, ", ") + ")",
			fix(c, "list only your office/VPN ranges in spec.kubernetesApiAccess", "allow the API only from your office/VPN ranges")})
	}
	if s.SSHKey == Yes {
		out = append(out, Finding{SeverityWarning, "ssh-key",
			"an SSH key is installed on every instance",
			fix(c, "set spec.sshKeyName: \"\" and delete the key (kops delete sshpublickey), use the cloud's session manager", "remove the SSH key; reach nodes through the cloud's session manager")})
	}
	return out
}

// openRanges returns the ranges that admit every address (a /0).
func openRanges(cidrs []string) []string {
	var open []string
	for _, s := range cidrs {
		if p, err := netip.ParsePrefix(strings.TrimSpace(s)); err == nil && p.Bits() == 0 {
			open = append(open, s)
		}
	}
	return open
}

// auditService judges one service; zones counts its ready pods by zone.
func auditService(s Service, zones map[string]int) []Finding {
	var out []Finding
	name := s.Namespace + "/" + s.Name
	if s.Replicas == 1 {
		out = append(out, Finding{SeverityWarning, "service-single-replica",
			fmt.Sprintf("%s runs 1 replica: losing its instance stops it", name),
			"set size/replicas to at least 2 in the ferry file"})
	}
	if z := zones; s.Replicas >= 2 && len(z) < 2 {
		out = append(out, Finding{SeverityWarning, "service-zone-spread",
			fmt.Sprintf("%s has %d replicas but its ready pods run in %d zone%s (%s)", name, s.Replicas, len(z), plural(len(z)), zoneCounts(z)),
			"spread its pods over zones (topologySpreadConstraints on topology.kubernetes.io/zone) and run workers in several zones"})
	}
	if s.PDB != nil && s.Replicas > 0 && DisruptionsAllowed(*s.PDB, s.Replicas, s.Replicas) == 0 {
		out = append(out, Finding{SeverityWarning, "pdb-no-disruption",
			fmt.Sprintf("PodDisruptionBudget %s/%s allows no disruption even with all %d replicas ready: node drains will hang", s.Namespace, s.PDB.Name, s.Replicas),
			"lower minAvailable below the replica count (or set maxUnavailable: 1)"})
	}
	return out
}

// serviceZones counts the ready pods of s on instances that are up, by zone.
func serviceZones(s Service, zoneOf map[string]string, down map[string]bool) map[string]int {
	z := map[string]int{}
	for _, p := range s.Pods {
		if p.Ready && !down[p.Instance] {
			z[zoneOf[p.Instance]]++
		}
	}
	return z
}

// zoneIndex maps instance names to their zones.
func zoneIndex(c Cluster) map[string]string {
	z := make(map[string]string, len(c.Instances))
	for _, in := range c.Instances {
		z[in.Name] = in.Zone
	}
	return z
}
