// Package install is what "ferry controller install" applies and
// "uninstall" removes: the CRDs, a namespace, least-privilege RBAC, and a
// two-replica Deployment of "ferry controller run" rendered by ferry's own
// render package (so it gets the zero-downtime defaults every service
// gets: readiness probe, maxUnavailable 0, a PodDisruptionBudget, spread
// over zones and hosts).
package install
