// Package kops reads kops cluster specs — the kops.k8s.io/v1alpha2 Cluster
// and InstanceGroup documents that "kops get cluster -o yaml" and "kops get
// ig -o yaml" print — into an ha.Cluster.
//
// Reading is strict about what the analysis depends on (kinds, API version,
// names, roles, sizes, subnets and zones, etcd members and the instance
// groups they point at) and reports every problem at once with its file and
// line. The many kops fields the analysis does not use are ignored, so specs
// from newer kops versions still read.
package kops
