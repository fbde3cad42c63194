// Package gate judges a migration's sides by their real traffic, as a
// Prometheus server sees it.
//
// A Check is one named PromQL query with a threshold (a minimum or a
// maximum); Builtin expands the usual two checks, success ratio and p99
// latency, for a known metric shape (ingress-nginx, Envoy Gateway, a
// legacy side scraped through an exporter). Judge turns a query's answer
// into a Verdict with its Evidence: the query, the value, the threshold,
// the time and the source. No data, NaN or an error is Inconclusive, never
// a pass. Prometheus performs the queries; RequestMetrics is the exporter
// shape's reference implementation, which the demo's backends and the
// tests' backends serve.
package gate
