// Package demo runs ferry's whole migration on loopback, with nothing but
// the binary: ferry's DNS server in-process on 127.0.0.1, a "legacy" HTTP
// backend on 127.0.0.2 and a "cluster" one on 127.0.0.3 (the same port on
// both, as a real domain's two load balancers), client workers that resolve
// the domain through the DNS server with a cache that honours TTLs like a
// caching resolver, and the real migration engine and executor moving the
// weights. Every client request is counted per side and per stage, so the
// summary proves (or disproves) that no request was lost.
//
// With FailAt set, the cluster starts answering 503 when its weight reaches
// that percentage, and the summary shows the automatic rollback: how long
// the decision took and that client failures stopped within one TTL.
package demo
