// Package importcmd implements "ferry import terraform": read Terraform
// state, write the ferry.yaml draft and the hand-off HCL, print the report
// and the density plan. The decisions are package importer's; this package
// reads the files, checks the flags, writes what Import returns and exits
// 0 (written), 1 (nothing to import) or 2 (bad input: nothing written).
package importcmd
