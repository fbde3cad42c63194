// Package server is ferry's authoritative DNS server with weighted record
// sets (Route 53 weighted routing): each query is answered with one set,
// chosen with probability weight/sum.
//
// A Server is a Go value: New loads the zones and the durable store, Start
// binds UDP and TCP (and the admin HTTP API when configured) and serves until
// the context ends. It implements dns.Provider directly, so a process that
// embeds it (ferry demo) changes records without HTTP.
//
// Reads never take a lock: the answers live in an immutable, pre-packed view
// behind an atomic pointer, rebuilt and swapped after every durable change,
// so a query sees the whole of a change or none of it. The wire handling
// (respond) is a pure function of the view and the request bytes; it is
// fuzzed with malformed packets.
//
// Names are keys in one spelling only (dns.ParseName: the wire form, ASCII
// folded, IDN as A-labels); the admin API reads bodies strictly and commits
// changes that arrive together with one fsync (commit.go). A server given
// Config.ReplicateFrom is a secondary: it follows its primary's log over
// the admin API (GET /v1/replication), serves the same answers and takes
// no changes of its own.
package server
