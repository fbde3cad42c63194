// Package route53 is ferry's DNS provider for Amazon Route 53: a
// dns.Provider whose record sets are Route 53 weighted resource record
// sets, one per WeightedSet, with the set's id as SetIdentifier.
//
// Every change is one ChangeResourceRecordSets batch that DELETEs each
// record set of the name and type exactly as it was read and CREATEs the
// new ones. Route 53 applies a batch whole or not at all and refuses a
// DELETE that does not match the record there, so a record changed behind
// ferry's back fails the batch: that is the precondition dns.Provider
// promises. The provider also reads the group right before the batch and
// decides the condition itself (dns.Condition.Admit), so drift is reported
// before anything is sent, and against stand-ins (moto) that check DELETEs
// leniently.
//
// A plain (simple routing) record — the one Terraform usually creates —
// reads as the lone set dns.PlainSetID ("default") of weight
// dns.PlainWeight; writing a record set that is that one set writes a
// plain record again. So adopting
// a plain record into a weighted group, and going back to one plain record,
// are each one batch.
//
// Pure parts (the mapping and Route 53's own rules in package rrsets, the
// batch in batch.go, the choice of hosted zone in zones.go) are apart from
// the calls (calls.go, sync.go, provider.go). Credentials come from
// the AWS SDK's standard chain and are never printed or logged.
package route53
