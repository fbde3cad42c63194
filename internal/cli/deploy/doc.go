// Package deploy implements the cluster commands of a release: "ferry
// deploy", "ferry history", "ferry rollback" and "ferry status". Flags,
// output and exit statuses live here; internal/deploy decides and acts.
package deploy
