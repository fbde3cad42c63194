// Package ha decides whether a Kubernetes cluster survives losing an
// instance, a zone or a region, and audits the settings that undermine high
// availability or safety.
//
// Everything here is pure: a Cluster value (read by package kops from kops
// specs or by package live from a running cluster) goes in, a Report comes
// out. The arithmetic is etcd's: a cluster of n members keeps quorum while
// floor(n/2)+1 of them are up, so 3 members spread over 2 zones lose quorum
// with the zone that holds 2 of them.
package ha
