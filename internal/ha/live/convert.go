package live

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"ferry.dev/ferry/internal/ha"
)

// Well-known node labels.
const (
	// ZoneLabel and RegionLabel place a node in its failure domains.
	ZoneLabel       = "topology.kubernetes.io/zone"
	RegionLabel     = "topology.kubernetes.io/region"
	betaZoneLabel   = "failure-domain.beta.kubernetes.io/zone"
	betaRegionLabel = "failure-domain.beta.kubernetes.io/region"
	// ControlPlaneLabel marks a control-plane node (its value is ignored).
	ControlPlaneLabel   = "node-role.kubernetes.io/control-plane"
	legacyMasterLabel   = "node-role.kubernetes.io/master"
	legacyKopsRoleLabel = "kubernetes.io/role"
)

// Convert turns what List read into the model ha analyses.
//
// A node is a control plane when its labels say so or when a kube-apiserver
// or etcd pod is bound to it. With none, the control plane is managed only
// if kube-system shows no control-plane pod either; otherwise it is
// reported as not identifiable rather than mistaken for a provider's.
func Convert(s Snapshot) ha.Cluster {
	c := ha.Cluster{Name: s.Name, Source: ha.SourceLive}
	apiNodes, apiPods := apiServers(s.SystemPods)
	c.Etcd = etcdClusters(s.SystemPods)
	c.EtcdVisible = len(c.Etcd) > 0
	cpNodes := maps.Clone(apiNodes)
	for _, e := range c.Etcd {
		for _, m := range e.Members {
			cpNodes[m.Instance] = true
		}
	}
	identified := false
	for _, n := range s.Nodes {
		in := instance(n, cpNodes, apiNodes, len(apiPods) > 0)
		identified = identified || in.Role == ha.RoleControlPlane
		c.Instances = append(c.Instances, in)
	}
	visible := slices.ContainsFunc(s.SystemPods, controlPlanePod)
	c.Managed = !identified && !visible
	c.ControlPlaneUnidentified = !identified && visible
	c.Security = security(apiPods)
	for _, st := range s.Services {
		c.Services = append(c.Services, service(st))
	}
	return c
}

// controlPlanePod reports a kube-system pod of a self-run control plane:
// kubeadm's and kops' static pods (component= or k8s-app=) and kops'
// etcd-manager, whether or not they are bound to a node.
func controlPlanePod(p corev1.Pod) bool {
	switch cmp.Or(p.Labels["component"], p.Labels["k8s-app"]) {
	case "kube-apiserver", "etcd", "kube-controller-manager", "kube-scheduler":
		return true
	}
	return strings.HasPrefix(p.Labels["k8s-app"], "etcd-manager-")
}

// instance reads one node. cpNodes are the nodes control-plane pods are
// bound to; apiNodes those running kube-apiserver, when apiVisible.
func instance(n corev1.Node, cpNodes, apiNodes map[string]bool, apiVisible bool) ha.Instance {
	l := n.Labels
	in := ha.Instance{
		Name:   n.Name,
		Zone:   first(l[ZoneLabel], l[betaZoneLabel]),
		Region: first(l[RegionLabel], l[betaRegionLabel]),
		Role:   ha.RoleWorker,
		Down:   !nodeReady(n),
	}
	_, cp := l[ControlPlaneLabel]
	_, master := l[legacyMasterLabel]
	if cp || master || l[legacyKopsRoleLabel] == "master" || cpNodes[n.Name] {
		in.Role = ha.RoleControlPlane
		// Where kube-apiserver pods are visible they say where it runs;
		// otherwise every control-plane node is taken to run one.
		in.APIServer = apiNodes[n.Name] || !apiVisible
	}
	return in
}

func nodeReady(n corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func podReady(p corev1.Pod) bool {
	if p.DeletionTimestamp != nil || p.Spec.NodeName == "" {
		return false
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// apiServers finds the kube-apiserver pods (kubeadm's and kops' static
// pods) and the nodes they run on.
func apiServers(pods []corev1.Pod) (map[string]bool, []corev1.Pod) {
	nodes := map[string]bool{}
	var out []corev1.Pod
	for _, p := range pods {
		if p.Labels["component"] == "kube-apiserver" || p.Labels["k8s-app"] == "kube-apiserver" {
			out = append(out, p)
			if p.Spec.NodeName != "" {
				nodes[p.Spec.NodeName] = true
			}
		}
	}
	return nodes, out
}

// etcdClusters groups the etcd member pods: kubeadm's component=etcd pods
// form cluster "main" (its only one), kops' k8s-app=etcd-manager-NAME pods
// cluster NAME.
func etcdClusters(pods []corev1.Pod) []ha.EtcdCluster {
	var out []ha.EtcdCluster
	for _, p := range pods {
		name, ok := etcdCluster(p)
		if !ok || p.Spec.NodeName == "" {
			continue
		}
		i := slices.IndexFunc(out, func(e ha.EtcdCluster) bool { return e.Name == name })
		if i < 0 {
			out = append(out, ha.EtcdCluster{Name: name})
			i = len(out) - 1
		}
		out[i].Members = append(out[i].Members, ha.Member{Name: p.Name, Instance: p.Spec.NodeName, Down: !podReady(p)})
	}
	return out
}

func etcdCluster(p corev1.Pod) (string, bool) {
	if p.Labels["component"] == "etcd" {
		return "main", true
	}
	if app, ok := strings.CutPrefix(p.Labels["k8s-app"], "etcd-manager-"); ok && app != "" {
		return app, true
	}
	return "", false
}

// security reads the audited settings from kube-apiserver's flags, when
// its pods are visible (otherwise nothing is known). A setting counts as
// on only when every API server has it.
func security(apiPods []corev1.Pod) ha.Security {
	if len(apiPods) == 0 {
		return ha.Security{}
	}
	sec := ha.Security{SecretsEncrypted: ha.Yes, RBAC: ha.Yes}
	for _, p := range apiPods {
		encrypted, rbac := false, false
		for _, ctr := range p.Spec.Containers {
			for _, arg := range slices.Concat(ctr.Command, ctr.Args) {
				flag, value, _ := strings.Cut(arg, "=")
				switch flag {
				case "--encryption-provider-config":
					encrypted = true
				case "--authorization-mode":
					rbac = slices.Contains(strings.Split(value, ","), "RBAC")
				}
			}
		}
		if !encrypted {
			sec.SecretsEncrypted = ha.No
		}
		if !rbac {
			sec.RBAC = ha.No
		}
	}
	return sec
}

func service(st ServiceState) ha.Service {
	s := ha.Service{Namespace: st.Ref.Namespace, Name: st.Ref.Name, Replicas: st.Ref.Replicas}
	podLabels := labels.Set(st.Ref.Selector)
	if d := st.Deployment; d != nil {
		if d.Spec.Replicas != nil {
			s.Replicas = int(*d.Spec.Replicas)
		}
		podLabels = d.Spec.Template.Labels
	}
	for _, p := range st.Pods {
		if p.Spec.NodeName == "" && p.Status.Phase == corev1.PodSucceeded {
			continue
		}
		s.Pods = append(s.Pods, ha.Pod{Name: p.Name, Instance: p.Spec.NodeName, Ready: podReady(p)})
	}
	s.PDB = matchingPDB(st.PDBs, podLabels)
	return s
}

// matchingPDB returns the first budget (by name) selecting the pods.
func matchingPDB(pdbs []policyv1.PodDisruptionBudget, podLabels labels.Set) *ha.PDB {
	sorted := slices.Clone(pdbs)
	slices.SortFunc(sorted, func(a, b policyv1.PodDisruptionBudget) int { return strings.Compare(a.Name, b.Name) })
	for _, b := range sorted {
		sel, err := metav1.LabelSelectorAsSelector(b.Spec.Selector)
		if err != nil || sel.Empty() || !sel.Matches(podLabels) {
			continue
		}
		return &ha.PDB{Name: b.Name, MinAvailable: amount(b.Spec.MinAvailable), MaxUnavailable: amount(b.Spec.MaxUnavailable)}
	}
	return nil
}

func amount(v *intstr.IntOrString) *ha.Amount {
	if v == nil {
		return nil
	}
	if v.Type == intstr.Int {
		return &ha.Amount{Value: v.IntValue()}
	}
	pct, ok := strings.CutSuffix(v.StrVal, "%")
	n, err := intstr.GetScaledValueFromIntOrPercent(&intstr.IntOrString{Type: intstr.String, StrVal: pct + "%"}, 100, true)
	if !ok || err != nil {
		return nil
	}
	return &ha.Amount{Value: n, Percent: true}
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
