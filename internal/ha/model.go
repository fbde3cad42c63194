package ha

// Role is what an instance does in the cluster.
type Role string

// Instance roles.
const (
	// RoleControlPlane runs the API server and usually etcd members.
	RoleControlPlane Role = "control-plane"
	// RoleAPIServer runs only the API server (kops' APIServer groups).
	RoleAPIServer Role = "apiserver"
	// RoleWorker runs workloads.
	RoleWorker Role = "worker"
)

// Source is what a Cluster was read from.
type Source string

// Sources.
const (
	// SourceKops is a kops spec: fixes name kops fields.
	SourceKops Source = "kops"
	// SourceLive is a live cluster: fixes name flags and labels.
	SourceLive Source = "cluster"
)

// Fact is something a reader could establish, deny, or not see at all.
// Audits only report what is known; Unknown never produces a finding.
type Fact int

// Fact values.
const (
	// Unknown is what the reader could not see; it is never judged.
	Unknown Fact = iota
	// Yes is a setting known to be on.
	Yes
	// No is a setting known to be off.
	No
)

// Cluster is everything the analysis needs about one cluster, whatever it
// was read from.
type Cluster struct {
	// Name identifies the cluster in messages (the kops cluster name or
	// the kubeconfig context).
	Name string
	// Source is where the cluster was read from: SourceKops or SourceLive;
	// it picks how fixes are worded.
	Source Source
	// Cloud is the cloud provider as kops spells it (aws, gce, ...), or "".
	Cloud string
	// Managed reports a control plane run by a provider and invisible to
	// the reader: no control-plane instances and no etcd are listed.
	Managed bool
	// EtcdVisible reports whether Etcd lists the real members; false when
	// the control plane is visible but etcd runs elsewhere.
	EtcdVisible bool
	// ControlPlaneUnidentified reports control-plane pods that are visible
	// while no instance can be told to be a control plane (no role labels,
	// no kube-apiserver or etcd pod bound to a node): the control plane is
	// not managed, but where its API servers run is unknown, so the API is
	// not judged.
	ControlPlaneUnidentified bool
	// Instances are every machine of the cluster, control plane and workers.
	Instances []Instance
	// Etcd are the etcd clusters (kops runs "main" and "events").
	Etcd []EtcdCluster
	// Services are the workloads judged in each scenario.
	Services []Service
	// Security holds the settings the audits look at.
	Security Security
}

// Instance is one machine: the unit an instance failure takes away.
type Instance struct {
	// Name is unique in the cluster (node name, or the kops group's name
	// with a number).
	Name string `json:"name"`
	// Zone and Region are its failure domains; "" when unlabelled.
	Zone   string `json:"zone"`
	Region string `json:"region"`
	// Role is what the instance does.
	Role Role `json:"role"`
	// APIServer reports that kube-apiserver runs here.
	APIServer bool `json:"apiServer"`
	// Down reports an instance that is already unavailable (a NotReady
	// node); scenarios start from this state.
	Down bool `json:"down,omitempty"`
}

// EtcdCluster is one etcd cluster and its members.
type EtcdCluster struct {
	// Name is the cluster's name (kops' main or events; main for kubeadm).
	Name string
	// Members are its members; quorum is a majority of them.
	Members []Member
}

// Member is one etcd member and the instance it runs on.
type Member struct {
	// Name is the member's name (kops' etcdMembers name, or the pod's).
	Name string
	// Instance is the instance the member is placed on.
	Instance string
	// Group is the instance group the member was declared on (kops), for
	// messages; "" when read from a live cluster.
	Group string
	// Zones are the zones the member may run in when its instance group
	// spans several (the cloud picks one); nil when it is pinned to its
	// instance's zone. The scenarios count such a member as lost when any
	// of these zones is lost: the worst case.
	Zones []string
	// Down reports a member that is not serving although its instance may
	// be up (its pod is not Ready).
	Down bool
	// EncryptedVolume says whether the member's data volume is encrypted
	// at rest; Unknown where the reader cannot tell or the cloud encrypts
	// every disk anyway.
	EncryptedVolume Fact
}

// Service is a workload whose ready replicas are counted in each scenario.
type Service struct {
	// Namespace and Name are the Deployment's.
	Namespace string
	Name      string
	// Replicas is how many replicas the service asks for.
	Replicas int
	// Pods are its current pods and where they run.
	Pods []Pod
	// PDB is the PodDisruptionBudget covering its pods, if any.
	PDB *PDB
}

// Pod is one replica of a service.
type Pod struct {
	// Name is the pod's name.
	Name string
	// Instance is the node it is bound to; "" while pending.
	Instance string
	// Ready is the pod's Ready condition.
	Ready bool
}

// PDB is a PodDisruptionBudget: exactly one of MinAvailable and
// MaxUnavailable is set.
type PDB struct {
	// Name is the budget's name, in its service's namespace.
	Name string
	// MinAvailable and MaxUnavailable are the budget's limits.
	MinAvailable   *Amount
	MaxUnavailable *Amount
}

// Amount is a PodDisruptionBudget count: a number of pods or a percentage
// of the expected pods.
type Amount struct {
	// Value is a pod count, or a percentage when Percent is set.
	Value   int
	Percent bool
}

// Security holds the settings the audits check.
type Security struct {
	// SecretsEncrypted is whether Secrets are encrypted at rest in etcd.
	SecretsEncrypted Fact
	// RBAC is whether the API server authorizes with RBAC.
	RBAC Fact
	// SSHAccess and APIAccess are the source ranges allowed to reach SSH
	// and the API; nil when unknown.
	SSHAccess []string
	APIAccess []string
	// SSHKey is whether an SSH key is installed on the instances.
	SSHKey Fact
}
