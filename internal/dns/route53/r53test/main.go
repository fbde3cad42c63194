package r53test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// Main is a test package's TestMain body: it starts moto, hands it to
// use, sets the test credentials (Env) in the process environment, runs
// the tests and stops moto. Missing tools fail the package with a message
// saying which; they never skip it.
func Main(m *testing.M, use func(*Moto)) int { return Run(m.Run, use) }

// Run is Main for a package whose TestMain also wraps m.Run in another
// kit (testcluster.Main): run runs the tests.
func Run(run func() int, use func(*Moto)) int {
	dir, err := os.MkdirTemp("", "ferry-route53-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = os.RemoveAll(dir) }()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	moto, err := Start(ctx, dir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "Route 53 tests: %v\n", err)
		return 1
	}
	defer moto.Stop()
	use(moto)
	for _, kv := range Env() {
		k, v, _ := strings.Cut(kv, "=")
		if err := os.Setenv(k, v); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return run()
}
