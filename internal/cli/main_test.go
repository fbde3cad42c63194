package cli_test

import (
	"os"
	"testing"

	"ferry.dev/ferry/internal/testcluster"
)

// The in-cluster tests share one local control plane; the others never
// start it.
func TestMain(m *testing.M) { os.Exit(testcluster.Main(m)) }
