// Package rrsets is ferry's record sets in Route 53's shape and back (From,
// To), and Route 53's own rules for them (Check, Violations, CheckGroup):
// what a batch may hold, quoted as Route 53 would refuse it. It is pure and
// links only the SDK's types, not its client: `ferry validate` checks a
// migration's writes with it offline, and the ferry binary then starts
// without the AWS SDK's credential chain and endpoint tables (package
// route53 is the provider that sends them).
package rrsets
