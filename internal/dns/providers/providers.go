package providers

import (
	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/adminclient"
)

// Registry returns a new registry of ferry's DNS providers:
//   - "ferry": ferry's own DNS server through its admin API (needs
//     migration.dns.server and migration.dns.tokenFile).
func Registry() dns.Registry {
	return dns.Registry{
		"ferry": adminclient.FromSettings,
	}
}
