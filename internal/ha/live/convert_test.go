package live

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"ferry.dev/ferry/internal/ha"
)

func node(name, zone string, ready bool, extra map[string]string) corev1.Node {
	l := map[string]string{ZoneLabel: zone, RegionLabel: "region-1"}
	for k, v := range extra {
		l[k] = v
	}
	status := corev1.ConditionTrue
	if !ready {
		status = corev1.ConditionFalse
	}
	return corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: l},
		Status:     corev1.NodeStatus{Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: status}}},
	}
}

func pod(name, nodeName string, ready bool, l map[string]string, args ...string) corev1.Pod {
	status := corev1.ConditionTrue
	if !ready {
		status = corev1.ConditionFalse
	}
	return corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: l},
		Spec:       corev1.PodSpec{NodeName: nodeName, Containers: []corev1.Container{{Name: "c", Command: args}}},
		Status:     corev1.PodStatus{Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: status}}},
	}
}

var cpLabel = map[string]string{ControlPlaneLabel: ""}

// TestConvertKubeadm: a kubeadm-style control plane with etcd and
// kube-apiserver static pods, one node NotReady, one etcd pod not ready.
func TestConvertKubeadm(t *testing.T) {
	etcd := map[string]string{"component": "etcd"}
	api := map[string]string{"component": "kube-apiserver"}
	snap := Snapshot{
		Name: "prod",
		Nodes: []corev1.Node{
			node("cp-a", "a", true, cpLabel), node("cp-b", "b", true, cpLabel), node("cp-c", "c", false, cpLabel),
			node("w-a", "a", true, nil),
		},
		SystemPods: []corev1.Pod{
			pod("etcd-cp-a", "cp-a", true, etcd), pod("etcd-cp-b", "cp-b", false, etcd), pod("etcd-cp-c", "cp-c", true, etcd),
			pod("kube-apiserver-cp-a", "cp-a", true, api, "kube-apiserver", "--authorization-mode=Node,RBAC", "--encryption-provider-config=/etc/enc.yaml"),
			pod("kube-apiserver-cp-b", "cp-b", true, api, "kube-apiserver", "--authorization-mode=Node,RBAC"),
			pod("coredns-1", "w-a", true, map[string]string{"k8s-app": "kube-dns"}),
		},
	}
	want := ha.Cluster{
		Name: "prod", Source: ha.SourceLive, EtcdVisible: true,
		Instances: []ha.Instance{
			{Name: "cp-a", Zone: "a", Region: "region-1", Role: ha.RoleControlPlane, APIServer: true},
			{Name: "cp-b", Zone: "b", Region: "region-1", Role: ha.RoleControlPlane, APIServer: true},
			{Name: "cp-c", Zone: "c", Region: "region-1", Role: ha.RoleControlPlane, Down: true},
			{Name: "w-a", Zone: "a", Region: "region-1", Role: ha.RoleWorker},
		},
		Etcd: []ha.EtcdCluster{{Name: "main", Members: []ha.Member{
			{Name: "etcd-cp-a", Instance: "cp-a"}, {Name: "etcd-cp-b", Instance: "cp-b", Down: true}, {Name: "etcd-cp-c", Instance: "cp-c"},
		}}},
		// Only one of the two API servers encrypts Secrets.
		Security: ha.Security{SecretsEncrypted: ha.No, RBAC: ha.Yes},
	}
	got := Convert(snap)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Convert (-want +got):\n%s", diff)
	}
	// One member NotReady and another on a NotReady node: quorum is lost now.
	r := ha.Analyze(got)
	if r.Scenarios[0].Failure != "now (1 instance down)" || r.Scenarios[0].Survives {
		t.Errorf("first scenario %+v, want the current state, not survived", r.Scenarios[0])
	}
	var checks []string
	for _, f := range r.Findings {
		checks = append(checks, f.Check+": "+f.Message)
	}
	wantChecks := []string{
		"instances-down: 1 instance already down: cp-c",
		"etcd-members-down: etcd member not ready: main/etcd-cp-b",
		"workers-zone-spread: 1 worker up (a): losing it or its zone leaves no worker to run the services",
		"secrets-encryption: Kubernetes Secrets are stored unencrypted in etcd",
	}
	if diff := cmp.Diff(wantChecks, checks); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestConvertKopsAndManaged: kops' etcd-manager pods name their clusters;
// a cluster with only workers is a managed control plane.
func TestConvertKopsAndManaged(t *testing.T) {
	kops := Snapshot{
		Nodes: []corev1.Node{node("i-1", "us-1a", true, map[string]string{"kubernetes.io/role": "master"})},
		SystemPods: []corev1.Pod{
			pod("etcd-manager-main-i-1", "i-1", true, map[string]string{"k8s-app": "etcd-manager-main"}),
			pod("etcd-manager-events-i-1", "i-1", true, map[string]string{"k8s-app": "etcd-manager-events"}),
		},
	}
	c := Convert(kops)
	var names []string
	for _, e := range c.Etcd {
		names = append(names, e.Name)
	}
	if diff := cmp.Diff([]string{"main", "events"}, names); diff != "" {
		t.Errorf("etcd clusters (-want +got):\n%s", diff)
	}
	if c.Managed || !c.Instances[0].APIServer || c.Security.RBAC != ha.Unknown {
		t.Errorf("kops node: managed=%v apiServer=%v rbac=%v, want false true unknown", c.Managed, c.Instances[0].APIServer, c.Security.RBAC)
	}
	managed := Convert(Snapshot{Nodes: []corev1.Node{node("w", "a", true, nil)}})
	if !managed.Managed || managed.EtcdVisible {
		t.Errorf("workers only: managed=%v etcdVisible=%v, want true false", managed.Managed, managed.EtcdVisible)
	}
}

// TestConvertUnlabelledControlPlane: a self-run control plane whose nodes
// carry no role label is not taken for a managed one. Nodes running etcd
// or kube-apiserver pods are its control plane; with only other
// control-plane pods visible, it is reported as not identifiable.
func TestConvertUnlabelledControlPlane(t *testing.T) {
	nodes := []corev1.Node{node("n-a", "a", true, nil), node("n-b", "b", true, nil), node("n-c", "c", true, nil)}
	tests := []struct {
		name         string
		pods         []corev1.Pod
		managed      bool
		unidentified bool
		roles        []ha.Role
		findings     []string
	}{{
		name:     "no control-plane pod: managed",
		managed:  true,
		roles:    []ha.Role{ha.RoleWorker, ha.RoleWorker, ha.RoleWorker},
		findings: []string{},
	}, {
		name:     "etcd pod on an unlabelled node: that node is the control plane",
		pods:     []corev1.Pod{pod("etcd-n-a", "n-a", true, map[string]string{"component": "etcd"})},
		roles:    []ha.Role{ha.RoleControlPlane, ha.RoleWorker, ha.RoleWorker},
		findings: []string{"etcd-too-few-members"},
	}, {
		name: "only scheduler and controller-manager pods: not identifiable",
		pods: []corev1.Pod{
			pod("kube-scheduler-n-a", "n-a", true, map[string]string{"component": "kube-scheduler"}),
			pod("kube-controller-manager-n-a", "n-a", true, map[string]string{"component": "kube-controller-manager"}),
		},
		unidentified: true,
		roles:        []ha.Role{ha.RoleWorker, ha.RoleWorker, ha.RoleWorker},
		findings:     []string{"control-plane-unidentified"},
	}, {
		name:         "kube-apiserver pod not bound yet: not identifiable",
		pods:         []corev1.Pod{pod("kube-apiserver-x", "", false, map[string]string{"component": "kube-apiserver"}, "kube-apiserver", "--authorization-mode=Node,RBAC", "--encryption-provider-config=/e.yaml")},
		unidentified: true,
		roles:        []ha.Role{ha.RoleWorker, ha.RoleWorker, ha.RoleWorker},
		findings:     []string{"control-plane-unidentified"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Convert(Snapshot{Nodes: nodes, SystemPods: tt.pods})
			if c.Managed != tt.managed || c.ControlPlaneUnidentified != tt.unidentified {
				t.Errorf("managed %v, unidentified %v; want %v, %v", c.Managed, c.ControlPlaneUnidentified, tt.managed, tt.unidentified)
			}
			var roles []ha.Role
			for _, in := range c.Instances {
				roles = append(roles, in.Role)
			}
			if diff := cmp.Diff(tt.roles, roles); diff != "" {
				t.Errorf("roles (-want +got):\n%s", diff)
			}
			checks := []string{}
			for _, f := range ha.Audit(c) {
				checks = append(checks, f.Check)
			}
			if diff := cmp.Diff(tt.findings, checks); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestConvertServices(t *testing.T) {
	sel := map[string]string{"app.kubernetes.io/name": "api"}
	podLabels := map[string]string{"app.kubernetes.io/name": "api", "app.kubernetes.io/managed-by": "ferry"}
	replicas := int32(3)
	pending := pod("api-4", "", false, podLabels)
	snap := Snapshot{
		Nodes: []corev1.Node{node("w-a", "a", true, nil), node("w-b", "b", true, nil)},
		Services: []ServiceState{{
			Ref: ServiceRef{Namespace: "shop", Name: "api", Replicas: 2, Selector: sel},
			Deployment: &appsv1.Deployment{Spec: appsv1.DeploymentSpec{
				Replicas: &replicas,
				Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: podLabels}},
			}},
			Pods: []corev1.Pod{pod("api-1", "w-a", true, podLabels), pod("api-2", "w-b", true, podLabels), pod("api-3", "w-b", false, podLabels), pending},
			PDBs: []policyv1.PodDisruptionBudget{
				{ObjectMeta: metav1.ObjectMeta{Name: "other"}, Spec: policyv1.PodDisruptionBudgetSpec{
					Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app.kubernetes.io/name": "web"}}, MinAvailable: new(intstr.FromInt32(1))}},
				{ObjectMeta: metav1.ObjectMeta{Name: "api"}, Spec: policyv1.PodDisruptionBudgetSpec{
					Selector: &metav1.LabelSelector{MatchLabels: sel}, MaxUnavailable: new(intstr.FromString("34%"))}},
			},
		}},
	}
	want := []ha.Service{{
		Namespace: "shop", Name: "api", Replicas: 3,
		Pods: []ha.Pod{{Name: "api-1", Instance: "w-a", Ready: true}, {Name: "api-2", Instance: "w-b", Ready: true}, {Name: "api-3", Instance: "w-b"}, {Name: "api-4"}},
		PDB:  &ha.PDB{Name: "api", MaxUnavailable: &ha.Amount{Value: 34, Percent: true}},
	}}
	if diff := cmp.Diff(want, Convert(snap).Services); diff != "" {
		t.Errorf("services (-want +got):\n%s", diff)
	}
}
