// Package check implements "ferry check": will the cluster, and the
// services on it, survive losing an instance, a zone or a region?
//
// "ferry check kops FILE…" judges a kops cluster spec; "ferry check cluster"
// judges a live cluster through a kubeconfig. Both print the same report
// (control plane, scenarios, findings with fixes, or JSON with -o json) and
// exit 1 when the failure named by --require is not survived or a finding is
// an error, 2 for unreadable input, 0 otherwise. The decisions are package
// ha's; this package reads flags, calls it, and prints.
package check
