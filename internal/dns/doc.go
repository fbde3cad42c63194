// Package dns is ferry's model of DNS records and the seam every DNS provider
// sits behind.
//
// A RecordSet is everything one name and type answer with: one or more
// weighted sets (Route 53's weighted routing), each with an id, a weight and
// its values. The migration engine only ever reads a RecordSet and replaces it
// whole, so a Provider needs nothing more than Get, Replace and Delete.
//
// Every change carries a Condition (write only over what you saw): the
// record set must still be the one the caller read (IfMatch, compared by
// Equal and Digest), or must not exist yet (IfAbsent), or the change is an
// operator's own (Always). A change whose condition fails is a
// *ConflictError holding what is there now, and changes nothing.
//
// Providers are built by name from one explicit Registry (no init, no
// global; dns/providers holds ferry's), with token files read in one place,
// ReadToken. Recorder is an in-memory Provider for plans and their tests.
// Implementations: the client of ferry's own server (dns/adminclient, the
// server itself in dns/server), and later Route 53 and external-dns.
package dns
