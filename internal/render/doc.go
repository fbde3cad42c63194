// Package render turns a loaded service file into the Kubernetes objects it
// means: typed k8s.io/api values, pure and deterministic (the same file always
// gives the same objects in the same order).
//
// Per service: a ServiceAccount (no token automount), a Deployment with the
// zero-downtime defaults, a Service when it has a port, a PodDisruptionBudget
// when replicas > 1, and an Ingress or a Gateway API HTTPRoute when it has
// domains. Namespaces come first. Nothing here talks to a cluster.
package render
