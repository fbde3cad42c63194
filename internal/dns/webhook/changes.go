package webhook

import "ferry.dev/ferry/internal/dns/externaldns"

// MediaType is the protocol's content type, sent and required both ways.
const MediaType = "application/external.dns.webhook+json;version=1"

// Changes is external-dns's plan.Changes: what to create, update (old and
// new) and delete.
type Changes struct {
	Create    []externaldns.Endpoint `json:"create,omitempty"`
	UpdateOld []externaldns.Endpoint `json:"updateOld,omitempty"`
	UpdateNew []externaldns.Endpoint `json:"updateNew,omitempty"`
	Delete    []externaldns.Endpoint `json:"delete,omitempty"`
}

// DomainFilter is what GET / answers: the zones the provider holds.
type DomainFilter struct {
	Include []string `json:"include,omitempty"`
	Exclude []string `json:"exclude,omitempty"`
}
