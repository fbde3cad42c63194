// Package golden compares a test's output with a file kept in testdata,
// and rewrites the files when the test binary runs with -update:
//
//	golden.Check(t, "testdata/three-zones.txt", out)
//
//	go test ./internal/render -update   # then review the diff in git
//
// Only tests import it. The -update flag is its one package-level
// variable: go test parses flags before any test runs, and a flag
// registered by each test package instead would be the copy this package
// replaces.
package golden
