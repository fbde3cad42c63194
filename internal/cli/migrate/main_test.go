package migrate_test

import (
	"os"
	"testing"

	"ferry.dev/ferry/internal/gate/promtest"
)

// prom is the real Prometheus every metric gate test of this package
// shares (Debian's prometheus, scraping every 200ms).
var prom *promtest.Server

func TestMain(m *testing.M) {
	os.Exit(promtest.Main(m.Run, func(s *promtest.Server) { prom = s }))
}
