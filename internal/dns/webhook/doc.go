// Package webhook serves external-dns's webhook provider protocol over
// ferry's DNS records, so an external-dns started with --provider=webhook
// publishes into ferry's DNS server as it would into any cloud DNS.
//
// The protocol (external-dns's provider/webhook/api, media type
// application/external.dns.webhook+json;version=1): GET / negotiates the
// domain filter, GET /records lists every record as external-dns endpoints,
// POST /records applies a plan's changes, POST /adjustendpoints lets the
// provider normalise desired endpoints. A plain record is one endpoint; a
// weighted set is one endpoint per set, with the set's id as setIdentifier
// and its weight as the provider-specific property aws/weight, which
// external-dns's sources fill from the aws-weight annotation.
//
// Changes are applied per name and type as one conditional write (the
// record set must still be what was read), so external-dns can never
// overwrite a change ferry's own migration made in between: it gets an
// error and plans again on its next loop. The protocol has no
// authentication, by external-dns's design: serve it on loopback or a
// pod-local address only.
package webhook
