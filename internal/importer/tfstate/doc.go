// Package tfstate reads Terraform state in the two forms teams have at hand:
// the JSON of `terraform show -json` (format_version 0.x or 1.x, a state's
// values or a plan's prior_state, modules nested under child_modules) and a
// raw state file of version 4 (resources[].instances[].attributes).
//
// Parse never guesses: input that is not one of those forms (other JSON,
// another state version, a truncated file) is a *FormatError naming the file
// and what is wrong with it, and nothing is returned.
package tfstate
