// Package preflight checks, before anything runs and without reaching the
// DNS provider, the record sets every migration of a service file will
// write against its provider's own rules (Route 53's): `ferry validate`
// reports each broken rule at the field of the file responsible. The rules
// that need the zone's contents are the provider's (dns.Prechecker), asked
// by `ferry migrate plan`.
package preflight
