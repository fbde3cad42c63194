// Package lease keeps one migration per domain, wherever it runs, by an
// ownership lease stored with the DNS data itself rather than beside a
// local state file: two machines, or two directories on one machine, see
// the same lease because they write the same records.
//
// The lease of example.com is one TXT record set, _ferry-lease.example.com.,
// with one set (id "lease", weight 1) whose value names the holder, the
// migration id and the expiry:
//
//	holder=host:4242 id=api-20260301T101500Z expires=2026-03-01T10:20:00Z
//
// Every write is conditional (dns.IfAbsent for a new lease, dns.IfMatch on
// exactly what was read or last written otherwise), so two racing
// acquirers cannot both win and a holder notices a takeover at its next
// renewal. Time comes in as arguments: nothing here reads the clock.
package lease
