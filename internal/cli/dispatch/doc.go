// Package dispatch is the ferry binary's front: it runs the file commands
// (init, validate, render, version, completion, help) itself and hands
// every other command to ferry-engine, the companion binary that links
// the Kubernetes client, the AWS SDK and the rest, by executing it with the
// same arguments.
//
// Go initialises every package a binary links before main, whatever the
// command: in one binary, "ferry render" paid ~11 ms of client-go's
// scheme, the AWS SDK's tables and the page faults of a 100 MB binary at
// every start (docs/benchmarks.md, "Render"). ferry-engine holds the whole
// command tree, so help, completion and exit statuses of an engine command
// are the engine's own; this package keeps only each engine command's name
// and one-line summary, for ferry's help (internal/cli's tests check them
// against the engine's tree).
package dispatch
