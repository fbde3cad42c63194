// Package kube connects ferry's cluster commands to a cluster the way
// kubectl does: --kubeconfig, the KUBECONFIG variable (a list of files),
// --context and -n/--namespace, and the clients those settings open.
package kube
