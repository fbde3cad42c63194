// Package dns is ferry's model of DNS records and the seam every DNS provider
// sits behind.
//
// A RecordSet is everything one name and type answer with: one or more
// weighted sets (Route 53's weighted routing), each with an id, a weight and
// its values. The migration engine only ever reads a RecordSet and replaces it
// whole, so a Provider needs nothing more than Get, Replace and Delete.
// Implementations: the client of ferry's own server (dns/server), and later
// Route 53 and external-dns.
package dns
