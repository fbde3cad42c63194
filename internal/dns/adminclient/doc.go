// Package adminclient is the HTTP client of ferry's DNS server admin API
// (dns/server). Its Client implements dns.Provider, so the migration engine
// drives a remote ferry DNS server exactly as it would Route 53.
package adminclient
