package migratetest

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// OK answers every request 200 "ok": a healthy side.
var OK http.Handler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })

// ServePair serves legacy on legacyIP and cluster on 127.0.0.3, both real
// HTTP servers on one port (a migration's two sides differ only by
// address), closed when the test ends. It returns the port.
func ServePair(tb testing.TB, legacyIP string, legacy, cluster http.Handler) int {
	tb.Helper()
	for range 20 {
		l1, err := net.Listen("tcp", net.JoinHostPort(legacyIP, "0"))
		if err != nil {
			tb.Fatal(err)
		}
		port := l1.Addr().(*net.TCPAddr).Port
		l2, err := net.Listen("tcp", net.JoinHostPort("127.0.0.3", strconv.Itoa(port)))
		if err != nil {
			_ = l1.Close()
			continue // the port is taken on 127.0.0.3: try another
		}
		for l, h := range map[net.Listener]http.Handler{l1: legacy, l2: cluster} {
			s := &http.Server{Handler: h, ReadHeaderTimeout: time.Second}
			go func() { _ = s.Serve(l) }()
			tb.Cleanup(func() { _ = s.Close() })
		}
		return port
	}
	tb.Fatalf("no free port on both %s and 127.0.0.3", legacyIP)
	return 0
}
