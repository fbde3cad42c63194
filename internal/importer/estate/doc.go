// Package estate decides what a legacy estate's Terraform resources mean for
// ferry: one Service per load balancer (classic ELB, ALB or NLB) with the
// port its instances serve on, the health path the balancer checks, the
// image a `docker run` in the user data starts, how many instances run it
// today and of which type, and the domains whose Route 53 records point at
// the balancer.
//
// Every value carries the resource attribute it came from, and a value that
// cannot be known carries the reason instead: Build never guesses. It also
// accounts for every resource it was given — what it became, or why it was
// ignored — so the report can list them all.
//
// Build is pure: resources in, an Estate out.
package estate
