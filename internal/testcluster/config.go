package testcluster

import _ "embed"

// kwokConfigYAML is the cluster's kwok configuration: the Service IP range,
// the annotations below and kwok's stages. hack/cluster.sh uses the same file.
//
//go:embed kwok-config.yaml
var kwokConfigYAML string

// ManualStatusAnnotation, set to ManualStatusValue on a node, makes kwok
// leave the node's status alone: a test can then mark it NotReady and it
// stays so (kwok would otherwise make it Ready again at once). Removing the
// annotation gives the node back to kwok, which makes it Ready.
const (
	ManualStatusAnnotation = "ferry.dev/node-status"
	ManualStatusValue      = "manual"
)

// NeverReadyAnnotation is the pod annotation that, set to "true" on a pod
// (or a pod template), makes the pod Running with its containers started
// but never Ready, as a pod whose readiness probe keeps failing: its Ready
// condition is False with reason ContainersNotReady. Every other pod
// becomes Running and Ready.
const NeverReadyAnnotation = "ferry.dev/test-never-ready"

// ServiceCIDR is the range kube-apiserver takes Service ClusterIPs from;
// it holds 65534 addresses where the default 10.0.0.0/24 held 254.
const ServiceCIDR = "10.96.0.0/16"
