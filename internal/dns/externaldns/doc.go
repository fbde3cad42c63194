// Package externaldns is ferry's side of external-dns: its endpoint model
// (the records external-dns publishes, as they travel in DNSEndpoint objects
// and in its webhook protocol) and a dns.Provider that shifts a migration's
// weights through external-dns by writing DNSEndpoint objects
// (externaldns.k8s.io/v1alpha1) for it to publish.
//
// A record set is one DNSEndpoint named after it, holding one endpoint per
// weighted set (setIdentifier = the set's id, the weight as aws/weight).
// ferry changes only DNSEndpoints it created (they carry its labels); a
// change is conditional on the object as read (its content and its
// resourceVersion), and counts as made only once external-dns has
// published it: read back from the DNS provider where ferry can, or seen in
// the object's status.observedGeneration otherwise.
package externaldns
