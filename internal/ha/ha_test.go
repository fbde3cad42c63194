package ha

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestQuorum(t *testing.T) {
	for n, want := range map[int]int{1: 1, 2: 2, 3: 2, 4: 3, 5: 3, 6: 4, 7: 4} {
		if got := Quorum(n); got != want {
			t.Errorf("Quorum(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestDisruptionsAllowed(t *testing.T) {
	tests := []struct {
		name              string
		pdb               PDB
		expected, healthy int
		want              int
	}{
		{name: "minAvailable 1 of 3", pdb: PDB{MinAvailable: &Amount{Value: 1}}, expected: 3, healthy: 3, want: 2},
		{name: "minAvailable equal to replicas", pdb: PDB{MinAvailable: &Amount{Value: 2}}, expected: 2, healthy: 2, want: 0},
		{name: "minAvailable 50% of 3 rounds up to 2", pdb: PDB{MinAvailable: &Amount{Value: 50, Percent: true}}, expected: 3, healthy: 3, want: 1},
		{name: "maxUnavailable 1 with one down", pdb: PDB{MaxUnavailable: &Amount{Value: 1}}, expected: 3, healthy: 2, want: 0},
		{name: "maxUnavailable 0", pdb: PDB{MaxUnavailable: &Amount{Value: 0}}, expected: 3, healthy: 3, want: 0},
		{name: "maxUnavailable 34% of 3 rounds up to 2", pdb: PDB{MaxUnavailable: &Amount{Value: 34, Percent: true}}, expected: 3, healthy: 3, want: 2},
		{name: "never negative", pdb: PDB{MinAvailable: &Amount{Value: 5}}, expected: 3, healthy: 1, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DisruptionsAllowed(tt.pdb, tt.expected, tt.healthy); got != tt.want {
				t.Errorf("DisruptionsAllowed = %d, want %d", got, tt.want)
			}
		})
	}
}

// cp builds control-plane instances named after their zones, each hosting
// one member of etcd "main".
func cp(zones ...string) ([]Instance, EtcdCluster) {
	e := EtcdCluster{Name: "main"}
	var ins []Instance
	for i, z := range zones {
		name := "cp-" + string(rune('1'+i))
		ins = append(ins, Instance{Name: name, Zone: z, Region: "r1", Role: RoleControlPlane, APIServer: true})
		e.Members = append(e.Members, Member{Name: name, Instance: name})
	}
	return ins, e
}

func worker(name, zone string) Instance {
	return Instance{Name: name, Zone: zone, Region: "r1", Role: RoleWorker}
}

// brief is a scenario as the table shows it.
type brief struct {
	Failure  string
	Survives bool
	Why      string
}

func briefs(ss []Scenario) []brief {
	var out []brief
	for _, s := range ss {
		out = append(out, brief{s.Failure, s.Survives, s.Why})
	}
	return out
}

func TestScenariosControlPlane(t *testing.T) {
	threeOverTwo, e := cp("a", "a", "b")
	c := Cluster{Name: "trap", EtcdVisible: true, Instances: threeOverTwo, Etcd: []EtcdCluster{e}}
	want := []brief{
		{"any one instance", true, "worst is losing cp-1 (a): etcd main keeps 2 of 3 members (quorum 2); 2 API servers up"},
		{"zone a", false, "etcd main keeps 1 of 3 members (quorum 2): quorum lost; API down"},
		{"zone b", true, "etcd main keeps 2 of 3 members (quorum 2); 2 API servers up"},
		{"region r1", false, "etcd main keeps 0 of 3 members (quorum 2): quorum lost; no API server left"},
	}
	if diff := cmp.Diff(want, briefs(Scenarios(c))); diff != "" {
		t.Errorf("scenarios (-want +got):\n%s", diff)
	}
}

// TestScenariosStartFromDown: a zone already down is the current state, and
// every further loss is judged on top of it.
func TestScenariosStartFromDown(t *testing.T) {
	ins, e := cp("a", "b", "c")
	ins[0].Down = true
	c := Cluster{Name: "x", EtcdVisible: true, Instances: ins, Etcd: []EtcdCluster{e}}
	want := []brief{
		{"now (1 instance down)", true, "etcd main keeps 2 of 3 members (quorum 2); 2 API servers up"},
		{"any one instance", false, "worst is losing cp-2 (b): etcd main keeps 1 of 3 members (quorum 2): quorum lost; API down"},
		{"zone a", true, "etcd main keeps 2 of 3 members (quorum 2); 2 API servers up"},
		{"zone b", false, "etcd main keeps 1 of 3 members (quorum 2): quorum lost; API down"},
		{"zone c", false, "etcd main keeps 1 of 3 members (quorum 2): quorum lost; API down"},
		{"region r1", false, "etcd main keeps 0 of 3 members (quorum 2): quorum lost; no API server left"},
	}
	r := Analyze(c)
	if diff := cmp.Diff(want, briefs(r.Scenarios)); diff != "" {
		t.Errorf("scenarios (-want +got):\n%s", diff)
	}
	if got := r.ControlPlane.Etcd[0].Tolerates; got != 0 {
		t.Errorf("tolerates %d more losses, want 0", got)
	}
}

func services() []Service {
	return []Service{{
		Namespace: "shop", Name: "api", Replicas: 3,
		Pods: []Pod{{"api-1", "w-a1", true}, {"api-2", "w-a2", true}, {"api-3", "w-b1", true}},
		PDB:  &PDB{Name: "api", MinAvailable: &Amount{Value: 2}},
	}, {
		Namespace: "shop", Name: "cron", Replicas: 1,
		Pods: []Pod{{"cron-1", "w-b1", true}},
	}, {
		Namespace: "shop", Name: "web", Replicas: 2,
		Pods: []Pod{{"web-1", "w-a1", true}, {"web-2", "w-a2", true}},
		PDB:  &PDB{Name: "web", MaxUnavailable: &Amount{Value: 0}},
	}}
}

func TestScenariosServices(t *testing.T) {
	ins, e := cp("a", "b", "c")
	ins = append(ins, worker("w-a1", "a"), worker("w-a2", "a"), worker("w-b1", "b"))
	c := Cluster{Name: "x", EtcdVisible: true, Instances: ins, Etcd: []EtcdCluster{e}, Services: services()}
	const etcdOK = "etcd main keeps 2 of 3 members (quorum 2); 2 API servers up"
	want := []brief{
		{"any one instance", false, "worst is losing w-b1 (b): shop/cron 0 of 1 ready: not serving; etcd main keeps 3 of 3 members (quorum 2); 3 API servers up; shop/api 2 of 3 ready; shop/web 2 of 2 ready"},
		{"zone a", false, "shop/web 0 of 2 ready: not serving; " + etcdOK + "; shop/api 1 of 3 ready; shop/cron 1 of 1 ready; drain blocked by PDB shop/web"},
		{"zone b", false, "shop/cron 0 of 1 ready: not serving; " + etcdOK + "; shop/api 2 of 3 ready; shop/web 2 of 2 ready"},
		{"zone c", true, etcdOK + "; shop/api 3 of 3 ready; shop/cron 1 of 1 ready; shop/web 2 of 2 ready"},
		{"region r1", false, "etcd main keeps 0 of 3 members (quorum 2): quorum lost; no API server left; shop/api 0 of 3 ready: not serving; shop/cron 0 of 1 ready: not serving; shop/web 0 of 2 ready: not serving; drain blocked by PDB shop/web"},
	}
	r := Analyze(c)
	if diff := cmp.Diff(want, briefs(r.Scenarios)); diff != "" {
		t.Errorf("scenarios (-want +got):\n%s", diff)
	}
	wantFindings := []Finding{
		{SeverityWarning, "service-single-replica", "shop/cron runs 1 replica: losing its instance stops it", "set size/replicas to at least 2 in the ferry file"},
		{SeverityWarning, "service-zone-spread", "shop/web has 2 replicas but its ready pods run in 1 zone (a: 2)", "spread its pods over zones (topologySpreadConstraints on topology.kubernetes.io/zone) and run workers in several zones"},
		{SeverityWarning, "pdb-no-disruption", "PodDisruptionBudget shop/web allows no disruption even with all 2 replicas ready: node drains will hang", "lower minAvailable below the replica count (or set maxUnavailable: 1)"},
	}
	if diff := cmp.Diff(wantFindings, r.Findings); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"shop/web"}, r.Scenarios[0].DrainBlockedBy); diff != "" {
		t.Errorf("instance drain blocked by (-want +got):\n%s", diff)
	}
}

func TestFailures(t *testing.T) {
	threeOverTwo, e := cp("a", "a", "b")
	c := Cluster{Name: "trap", EtcdVisible: true, Instances: threeOverTwo, Etcd: []EtcdCluster{e}}
	r := Analyze(c)
	tests := []struct {
		require FailureKind
		want    []string
	}{
		{FailInstance, nil},
		{FailZone, []string{"losing zone a is not survived"}},
		{FailRegion, []string{"losing zone a is not survived", "losing region r1 is not survived"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.require), func(t *testing.T) {
			if diff := cmp.Diff(tt.want, r.Failures(tt.require)); diff != "" {
				t.Errorf("failures (-want +got):\n%s", diff)
			}
		})
	}
	c.Security.RBAC = No
	got := Analyze(c).Failures(FailInstance)
	want := []string{"error rbac: RBAC is not enabled: every authenticated client may do anything"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("failures with RBAC off (-want +got):\n%s", diff)
	}
}

// TestToleratesStackedMembers: two members on one instance count as one
// loss that takes both.
func TestToleratesStackedMembers(t *testing.T) {
	ins, _ := cp("a", "b", "c", "d")
	e := EtcdCluster{Name: "main", Members: []Member{
		{Name: "m1", Instance: "cp-1"}, {Name: "m2", Instance: "cp-1"}, {Name: "m3", Instance: "cp-2"},
		{Name: "m4", Instance: "cp-3"}, {Name: "m5", Instance: "cp-4"},
	}}
	s := etcdSummary(Cluster{Instances: ins, Etcd: []EtcdCluster{e}}, e)
	if s.Tolerates != 1 {
		t.Errorf("5 members with 2 on one instance tolerate %d losses, want 1", s.Tolerates)
	}
}

func TestManagedControlPlane(t *testing.T) {
	c := Cluster{Name: "eks", Managed: true, Instances: []Instance{worker("w1", "a"), worker("w2", "b")}}
	want := []brief{
		{"any one instance", true, "worst is losing w1 (a): API run by the provider; 1 worker up"},
		{"zone a", true, "API run by the provider; 1 worker up"},
		{"zone b", true, "API run by the provider; 1 worker up"},
		{"region r1", false, "API down; no worker left"},
	}
	if diff := cmp.Diff(want, briefs(Scenarios(c))); diff != "" {
		t.Errorf("scenarios (-want +got):\n%s", diff)
	}
}

func TestParseFailureKind(t *testing.T) {
	for _, s := range []string{"instance", "zone", "region"} {
		if _, err := ParseFailureKind(s); err != nil {
			t.Errorf("ParseFailureKind(%q): %v", s, err)
		}
	}
	if _, err := ParseFailureKind("rack"); err == nil {
		t.Error("ParseFailureKind(rack) succeeded")
	}
}

// TestSingleLossMatches: the quick single-instance evaluation gives what
// the full one gives, for every instance of clusters with down instances,
// etcd members not ready, pods not ready and budgets of every kind.
func TestSingleLossMatches(t *testing.T) {
	c := bigCluster(12, 20)
	c.Instances[2].Down = true // a control-plane instance
	c.Instances[7].Down = true // a worker
	c.Etcd[0].Members[1].Down = true
	c.Services[3].Pods[1].Ready = false
	c.Services[4].PDB = &PDB{Name: "strict", MinAvailable: &Amount{Value: 3}}
	c.Services[5].PDB = nil
	c.Services[6].Replicas = 0
	c.Services[7].Pods = append(c.Services[7].Pods, Pod{Name: "pending"})
	down := downSet(c)
	loss := newSingleLoss(c, down)
	for _, x := range c.Instances {
		if down[x.Name] {
			continue
		}
		want := evaluate(c, down, func(name string) bool { return down[name] || name == x.Name }, nil)
		if diff := cmp.Diff(want, loss.without(x)); diff != "" {
			t.Errorf("losing %s (-evaluate +singleLoss):\n%s", x.Name, diff)
		}
		if got := loss.margin(x); got != want.margin() {
			t.Errorf("losing %s: singleLoss.margin = %d, evaluate's margin = %d", x.Name, got, want.margin())
		}
		if got := loss.blockedBy(x); !slices.Equal(got, want.DrainBlockedBy) {
			t.Errorf("losing %s: singleLoss.blockedBy = %v, evaluate's = %v", x.Name, got, want.DrainBlockedBy)
		}
	}
}

// TestMemberSpanningZones: a member whose instance group spans two zones
// is placed in the first, but may run in either; losing the second must
// count it as lost too, and the audit says why.
func TestMemberSpanningZones(t *testing.T) {
	ins, e := cp("c", "a", "b")
	e.Members[0].Group, e.Members[0].Zones = "cp-c", []string{"c", "a"}
	c := Cluster{Name: "x", Source: SourceKops, EtcdVisible: true, Instances: ins, Etcd: []EtcdCluster{e}}
	r := Analyze(c)
	want := []brief{
		{"any one instance", true, "worst is losing cp-1 (c): etcd main keeps 2 of 3 members (quorum 2); 2 API servers up"},
		{"zone a", false, "etcd main keeps 1 of 3 members (quorum 2): quorum lost; API down"},
		{"zone b", true, "etcd main keeps 2 of 3 members (quorum 2); 2 API servers up"},
		{"zone c", true, "etcd main keeps 2 of 3 members (quorum 2); 2 API servers up"},
		{"region r1", false, "etcd main keeps 0 of 3 members (quorum 2): quorum lost; no API server left"},
	}
	if diff := cmp.Diff(want, briefs(r.Scenarios)); diff != "" {
		t.Errorf("scenarios (-want +got):\n%s", diff)
	}
	wantFindings := []Finding{{SeverityWarning, "etcd-member-zones",
		"etcd main member cp-1: instance group cp-c spans zones c, a, so the member may run in any of them and is counted as lost with each; losing a loses quorum",
		"give each etcd member's instance group exactly one subnet"}}
	if diff := cmp.Diff(wantFindings, r.Findings); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string][]string{"a or c": {"cp-1"}, "a": {"cp-2"}, "b": {"cp-3"}}, r.ControlPlane.Etcd[0].MembersPerZone); diff != "" {
		t.Errorf("members per zone (-want +got):\n%s", diff)
	}
}

// TestWorkersInOneZone: losing the only zone with workers leaves nothing
// to run services on, so it is not survived although the control plane
// keeps quorum; the audit warns before it happens. Losing the only worker
// instance is the warning alone.
func TestWorkersInOneZone(t *testing.T) {
	ins, e := cp("a", "b", "c")
	c := Cluster{Name: "x", Source: SourceKops, EtcdVisible: true, Instances: append(ins, worker("w1", "a")), Etcd: []EtcdCluster{e}}
	const etcdOK = "etcd main keeps 2 of 3 members (quorum 2); 2 API servers up"
	r := Analyze(c)
	want := []brief{
		{"any one instance", true, "worst is losing cp-1 (a): " + etcdOK + "; 1 worker up"},
		{"zone a", false, "no worker left; " + etcdOK},
		{"zone b", true, etcdOK + "; 1 worker up"},
		{"zone c", true, etcdOK + "; 1 worker up"},
		{"region r1", false, "etcd main keeps 0 of 3 members (quorum 2): quorum lost; no API server left; no worker left"},
	}
	if diff := cmp.Diff(want, briefs(r.Scenarios)); diff != "" {
		t.Errorf("scenarios (-want +got):\n%s", diff)
	}
	wantFindings := []Finding{{SeverityWarning, "workers-zone-spread",
		"1 worker up (a): losing it or its zone leaves no worker to run the services",
		"add Node instance groups (or subnets of the nodes group) in at least two zones"}}
	if diff := cmp.Diff(wantFindings, r.Findings); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	// Every worker already down: the cluster fails now.
	c.Instances[3].Down = true
	r = Analyze(c)
	if s := r.Scenarios[0]; s.Survives || s.Why != "no worker left; etcd main keeps 3 of 3 members (quorum 2); 3 API servers up" {
		t.Errorf("all workers down now: %+v, want not survived for want of a worker", s)
	}
	if f := r.Findings[1]; f.Check != "workers-zone-spread" || f.Message != "no worker is up: nothing can run the services" {
		t.Errorf("all workers down: finding %+v", f)
	}
}

// TestEvenMembersWording: the finding says how many losses the cluster
// tolerates and which odd size tolerates as many.
func TestEvenMembersWording(t *testing.T) {
	for n, want := range map[int]string{
		2: "etcd main has 2 members: quorum is 2, so it tolerates no member loss, no better than 1 member",
		4: "etcd main has 4 members: quorum is 3, so it tolerates 1 member loss, no better than 3 members",
		6: "etcd main has 6 members: quorum is 4, so it tolerates 2 member losses, no better than 5 members",
	} {
		e := EtcdCluster{Name: "main"}
		for i := range n {
			e.Members = append(e.Members, Member{Name: fmt.Sprint(i), Instance: "cp"})
		}
		f := auditEtcd(Cluster{}, e)
		if len(f) == 0 || f[0].Check != "etcd-even-members" || f[0].Message != want {
			t.Errorf("%d members: %+v, want %q", n, f, want)
		}
	}
}

// TestControlPlaneUnidentified: control-plane pods without identifiable
// nodes are not a managed control plane, and the API is not judged.
func TestControlPlaneUnidentified(t *testing.T) {
	c := Cluster{Name: "x", Source: SourceLive, ControlPlaneUnidentified: true, Instances: []Instance{worker("w1", "a"), worker("w2", "b")}}
	r := Analyze(c)
	if s := r.Scenarios[1]; !s.Survives || s.Why != "API servers not identified; 1 worker up; etcd not visible" {
		t.Errorf("zone a: %+v", s)
	}
	if s := r.Scenarios[3]; s.Survives || s.Why != "no worker left; API servers not identified; etcd not visible" {
		t.Errorf("region: %+v", s)
	}
	want := []Finding{{SeverityWarning, "control-plane-unidentified",
		"control plane not identifiable: control-plane pods run in kube-system but no node is labelled control-plane or runs a kube-apiserver or etcd pod; the API is not judged",
		"label the control-plane nodes (node-role.kubernetes.io/control-plane)"}}
	if diff := cmp.Diff(want, r.Findings); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}
