// Package providers lists every DNS provider ferry can drive, by the name a
// service file gives in migration.dns.provider. It is the one place a new
// provider (Route 53, external-dns) is added: one Registry entry each, its
// constructor living in the provider's own package.
package providers
