// Package spec loads a ferry service file strictly, applies defaults and
// validates it, producing the internal model that render and migrate use.
//
// Loading never stops at the first problem: every unknown field, wrong type
// and invalid value is collected, each with the file, line and column it came
// from, and returned at once as a *ProblemList. A value that is present but
// wrong is always an error; only what is absent gets a default.
//
// A large file loads on every core (load_parallel.go): its services are
// parsed (by plainyaml when they are in its plain subset of YAML), decoded
// and checked in parts. That path gives up on anything unusual and on any
// problem, and the file is loaded again the one-core way, which alone words
// every error.
package spec
