// Package startgc keeps the garbage collector off while Go initialises
// ferry's packages, and Restore turns it back on at the start of main.
//
// Package initialisation allocates about 4 MB (client-go's scheme, the AWS
// SDK's endpoint tables, regular expressions of a dozen dependencies),
// which is past the runtime's first heap goal: every ferry start, whatever
// the command, ran a collection during initialisation, ~3 ms of its ~14
// (docs/benchmarks.md, "Render"). Nothing initialised is garbage worth
// collecting that early.
//
// Its init runs before any dependency outside the standard library's: Go
// initialises the first package in import-path order whose imports are
// initialised, and "ferry.dev/…" sorts before every other module ferry
// links (cmd/ferry's tests check the order in a built binary).
package startgc
