package kops

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/ha"
)

func readFiles(t *testing.T, paths ...string) (ha.Cluster, error) {
	t.Helper()
	var files []File
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, File{Name: p, Data: b})
	}
	return Read(files...)
}

// verdict is a report boiled down to what a reader checks first.
type verdict struct {
	Scenarios map[string]bool // failure → survives
	Tolerates []int           // per etcd cluster: instances that may be lost
	Findings  []string        // "severity check"
}

func verdictOf(r ha.Report) verdict {
	v := verdict{Scenarios: map[string]bool{}}
	for _, s := range r.Scenarios {
		v.Scenarios[s.Failure] = s.Survives
	}
	for _, e := range r.ControlPlane.Etcd {
		v.Tolerates = append(v.Tolerates, e.Tolerates)
	}
	for _, f := range r.Findings {
		v.Findings = append(v.Findings, string(f.Severity)+" "+f.Check)
	}
	return v
}

// openAndPlain are the findings every kops-created default spec gets.
var openAndPlain = []string{"warning secrets-encryption", "warning ssh-open", "warning api-open"}

// oneWorkerZone is the finding of a spec whose workers sit in one zone.
const oneWorkerZone = "warning workers-zone-spread"

func TestReadVerdicts(t *testing.T) {
	tests := []struct {
		file string
		want verdict
	}{{
		file: "three-members-two-zones.yaml",
		want: verdict{
			Scenarios: map[string]bool{"any one instance": true, "zone eu-west-3a": false, "zone eu-west-3b": true, "region eu-west-3": false},
			Tolerates: []int{1, 1},
			Findings:  []string{"warning etcd-zone-spread", "warning etcd-zone-spread", "warning secrets-encryption"},
		},
	}, {
		file: "three-members-three-zones.yaml",
		want: verdict{
			Scenarios: map[string]bool{"any one instance": true, "zone eu-west-1a": true, "zone eu-west-1b": true, "zone eu-west-1c": true, "region eu-west-1": false},
			Tolerates: []int{1, 1},
		},
	}, {
		file: "five-members-three-zones.yaml",
		want: verdict{
			Scenarios: map[string]bool{"any one instance": true, "zone us-east-1a": true, "zone us-east-1b": true, "zone us-east-1c": true, "region us-east-1": false},
			Tolerates: []int{2, 2},
		},
	}, {
		file: "one-member.yaml",
		want: verdict{
			Scenarios: map[string]bool{"any one instance": false, "zone ap-south-1a": false, "region ap-south-1": false},
			Tolerates: []int{0, 0},
			Findings:  []string{oneWorkerZone, "warning etcd-too-few-members", "warning etcd-too-few-members"},
		},
	}, {
		file: "even-members.yaml",
		want: verdict{
			Scenarios: map[string]bool{"any one instance": true, "zone us-west-2a": false, "zone us-west-2b": false, "region us-west-2": false},
			Tolerates: []int{1, 1},
			Findings: []string{
				"error etcd-even-members", "warning etcd-zone-spread", "warning etcd-volume-unencrypted",
				"error etcd-even-members", "warning etcd-zone-spread", "warning etcd-volume-unencrypted",
				"warning secrets-encryption", "error rbac", "warning ssh-key",
			},
		},
	}, {
		file: "kops-defaults.yaml",
		want: verdict{
			Scenarios: map[string]bool{"any one instance": false, "zone us-east-1a": false, "region us-east-1": false},
			Tolerates: []int{0, 0},
			Findings:  append([]string{oneWorkerZone, "warning etcd-too-few-members", "warning etcd-too-few-members"}, openAndPlain...),
		},
	}, {
		// The third member's group spans us-east-1c and us-east-1a: it may
		// run in us-east-1a with the first, so that zone's loss is not
		// survived although the members are placed in three zones.
		file: "member-group-spans-zones.yaml",
		want: verdict{
			Scenarios: map[string]bool{"any one instance": true, "zone us-east-1a": false, "zone us-east-1b": true, "zone us-east-1c": true, "region us-east-1": false},
			Tolerates: []int{1, 1},
			Findings:  []string{"warning etcd-member-zones", "warning etcd-member-zones"},
		},
	}, {
		// Three zones of control plane, workers in one: losing it leaves
		// nothing to run services on.
		file: "workers-one-zone.yaml",
		want: verdict{
			Scenarios: map[string]bool{"any one instance": true, "zone eu-west-1a": false, "zone eu-west-1b": true, "zone eu-west-1c": true, "region eu-west-1": false},
			Tolerates: []int{1, 1},
			Findings:  []string{oneWorkerZone},
		},
	}, {
		file: "legacy-no-authorization.yaml",
		want: verdict{
			Scenarios: map[string]bool{"any one instance": true, "zone us-east-2a": true, "zone us-east-2b": true, "zone us-east-2c": true, "region us-east-2": false},
			Tolerates: []int{1},
			Findings:  []string{"warning etcd-volume-unencrypted", "error rbac"},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, err := readFiles(t, filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, verdictOf(ha.Analyze(c))); diff != "" {
				t.Errorf("verdict (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRealKopsOutput reads what kops itself prints (testdata/real, see its
// README) and expects the verdicts that README states.
func TestRealKopsOutput(t *testing.T) {
	tests := []struct {
		file string
		want verdict
	}{{
		file: "ha.yaml",
		want: verdict{
			Scenarios: map[string]bool{"any one instance": true, "zone us-test-1a": true, "zone us-test-1b": true, "zone us-test-1c": true, "region us-test-1": false},
			Tolerates: []int{1, 1},
			Findings:  openAndPlain,
		},
	}, {
		file: "ha_shared_zone.yaml",
		want: verdict{
			Scenarios: map[string]bool{"any one instance": true, "zone us-test-1a": false, "region us-test-1": false},
			Tolerates: []int{1, 1},
			// One worker: the instance row still judges the control plane,
			// the warning says the worker is alone.
			Findings: append([]string{oneWorkerZone, "warning etcd-zone-spread", "warning etcd-zone-spread"}, openAndPlain...),
		},
	}, {
		file: "ha_shared_zones.yaml",
		want: verdict{
			Scenarios: map[string]bool{"any one instance": true, "zone us-test-1a": false, "zone us-test-1b": true, "region us-test-1": false},
			Tolerates: []int{2, 2},
			Findings:  append([]string{"warning etcd-zone-spread", "warning etcd-zone-spread"}, openAndPlain...),
		},
	}, {
		file: "ha_gce.yaml",
		want: verdict{
			Scenarios: map[string]bool{"any one instance": true, "zone us-test1-a": true, "zone us-test1-b": true, "zone us-test1-c": true, "region us-test1": false},
			Tolerates: []int{1, 1},
			Findings:  openAndPlain,
		},
	}, {
		file: "ha_hetzner.yaml",
		want: verdict{
			Scenarios: map[string]bool{"any one instance": true, "zone fsn1": false, "region (unnamed)": false},
			Tolerates: []int{1, 1},
			Findings:  append([]string{oneWorkerZone, "warning etcd-zone-spread", "warning etcd-zone-spread"}, openAndPlain...),
		},
	}, {
		file: "ha_openstack.yaml",
		want: verdict{
			Scenarios: map[string]bool{"any one instance": true, "zone us-test1": false, "region (unnamed)": false},
			Tolerates: []int{1, 1},
			Findings:  append([]string{oneWorkerZone, "warning etcd-zone-spread", "warning etcd-zone-spread"}, openAndPlain...),
		},
	}, {
		file: "complex.yaml",
		want: verdict{
			Scenarios: map[string]bool{"any one instance": true, "zone us-test-1a": true, "zone us-test-1b": true, "zone us-test-1c": true, "region us-test-1": false},
			Tolerates: []int{1, 1},
			// complex.yaml narrows sshAccess to 1.2.3.4/32.
			Findings: []string{"warning secrets-encryption", "warning api-open"},
		},
	}, {
		file: "minimal-1.36.yaml",
		want: verdict{
			Scenarios: map[string]bool{"any one instance": false, "zone us-test-1a": false, "region us-test-1": false},
			Tolerates: []int{0, 0},
			Findings:  append([]string{oneWorkerZone, "warning etcd-too-few-members", "warning etcd-too-few-members"}, openAndPlain...),
		},
	}}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, err := readFiles(t, filepath.Join("testdata", "real", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, verdictOf(ha.Analyze(c))); diff != "" {
				t.Errorf("verdict (-want +got):\n%s", diff)
			}
		})
	}
}

// TestComplexSubnetZones checks that a group on several subnets of one zone
// is placed in that zone, and workers are counted per zone.
func TestComplexSubnetZones(t *testing.T) {
	c, err := readFiles(t, "testdata/real/complex.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got := ha.Analyze(c).ControlPlane.WorkersPerZone
	want := map[string]int{"us-test-1a": 4, "us-test-1b": 3, "us-test-1c": 3}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("workers per zone (-want +got):\n%s", diff)
	}
}

// TestSplitFiles reads the Cluster and the InstanceGroups from separate
// files, as "kops get cluster" and "kops get ig" print them.
func TestSplitFiles(t *testing.T) {
	whole, err := readFiles(t, "testdata/three-members-two-zones.yaml")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("testdata/three-members-two-zones.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cluster, groups, _ := strings.Cut(string(b), "\n---\n")
	split, err := Read(File{Name: "cluster.yaml", Data: []byte(cluster)}, File{Name: "ig.yaml", Data: []byte(groups)})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(whole, split); diff != "" {
		t.Errorf("split read differs (-whole +split):\n%s", diff)
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{{
		file: "unknown-kind.yaml",
		want: []string{`:14: unknown kind "Keyset": want Cluster, InstanceGroup or SSHCredential`},
	}, {
		file: "missing-instance-group.yaml",
		want: []string{
			`:10: etcd cluster "main": member "b": instanceGroup "control-plane-us-east-1b" has role Node, not Master`,
			`:11: etcd cluster "main": member "c": instanceGroup "control-plane-us-east-1c" is not among the InstanceGroups read`,
		},
	}, {
		file: "bad-fields.yaml",
		want: []string{
			`:1: apiVersion "kops.k8s.io/v1alpha1": want kops.k8s.io/v1alpha2`,
			":11: cannot unmarshal !!str `three` into int",
		},
	}, {
		file: "contradictions.yaml",
		want: []string{
			`:6: "everyone" is not a CIDR range`,
			`:11: etcd cluster "main": member "b": instanceGroup "cp-a" already hosts another member of this cluster`,
			`:12: etcd cluster "main": member name "a" is empty or used twice`,
			`:24: InstanceGroup "cp-c" belongs to cluster "b.example.com" (label kops.k8s.io/cluster), not "a.example.com"`,
			`:30: InstanceGroup "cp-a" is defined twice (first at testdata/invalid/contradictions.yaml:18)`,
		},
	}, {
		file: "syntax.yaml",
		want: []string{`:5: mapping values are not allowed in this context`},
	}, {
		file: "no-cluster.yaml",
		want: []string{`: no kops Cluster document (kind: Cluster) in the input; pass the output of kops get cluster -o yaml too`},
	}}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", "invalid", tt.file)
			_, err := readFiles(t, path)
			if err == nil {
				t.Fatal("read succeeded, want errors")
			}
			var want []string
			for _, w := range tt.want {
				want = append(want, path+w)
			}
			if diff := cmp.Diff(want, strings.Split(err.Error(), "\n")); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMemberZonesFromGroup: a member keeps the zones of a group spanning
// several; a member of a one-zone group is pinned to it.
func TestMemberZonesFromGroup(t *testing.T) {
	c, err := readFiles(t, "testdata/member-group-spans-zones.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := []ha.Member{
		{Name: "etcd-1", Instance: "control-plane-us-east-1a-1", Group: "control-plane-us-east-1a-1", EncryptedVolume: ha.Yes},
		{Name: "etcd-2", Instance: "control-plane-us-east-1b-2", Group: "control-plane-us-east-1b-2", EncryptedVolume: ha.Yes},
		{Name: "etcd-3", Instance: "control-plane-us-east-1c-3", Group: "control-plane-us-east-1c-3", Zones: []string{"us-east-1c", "us-east-1a"}, EncryptedVolume: ha.Yes},
	}
	if diff := cmp.Diff(want, c.Etcd[0].Members); diff != "" {
		t.Errorf("members (-want +got):\n%s", diff)
	}
}
