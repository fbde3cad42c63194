// Package live reads a running cluster into an ha.Cluster: nodes with
// their zone and region labels and readiness, the control plane where it
// is visible (control-plane node labels, etcd member pods such as kubeadm's
// component=etcd or kops' etcd-manager, kube-apiserver pods and their
// flags), and for each service of a ferry file its ready pods, where they
// run, and the PodDisruptionBudget covering them.
//
// List does the I/O (list calls only, nothing is changed); Convert is the
// pure translation, so it is tested without a cluster.
package live
