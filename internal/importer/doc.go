// Package importer turns the Terraform state of a legacy estate (one
// container per VM behind a cloud load balancer, a Route 53 record in front)
// into what ferry needs to take it over: a ferry.yaml draft, a report of
// every resource read, the HCL that hands the migrated records over from
// Terraform, and a density plan for the cluster.
//
// The work is split by noun, each package pure unless it says otherwise:
//
//   - tfstate reads `terraform show -json` output and version 4 state files
//     into a flat list of resources;
//   - estate decides what those resources mean: which balancer serves which
//     service, on which port and health path, with how many instances, under
//     which domain — every value with the attribute it came from;
//   - draft writes the ferry.yaml draft, handoff the Terraform HCL, and
//     density packs the services onto node types.
//
// Import composes them; the command in internal/cli/importcmd only reads
// files, calls Import and writes what it returns.
package importer
