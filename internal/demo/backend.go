package demo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"ferry.dev/ferry/internal/gate"
)

// ratePath is where the legacy backend reports the client request rate it
// still serves: the drain stage's legacy traffic source.
const ratePath = "/ferry-demo/rate"

// backend is one side's HTTP server.
type backend struct {
	name          string
	addr          string // ip:port
	srv           *http.Server
	failing       atomic.Bool
	metrics       gate.RequestMetrics // served at /metrics: the exporter shape
	mu            sync.Mutex
	failingProbes []time.Time // probe requests answered with 503
	recent        []time.Time // client requests of the last second
}

// startBackends listens on 127.0.0.2 and 127.0.0.3 on one shared port:
// fixed, or a free one when fixed is 0.
func startBackends(ctx context.Context, fixed int) (legacy, cluster *backend, port int, err error) {
	for range 20 {
		var lc net.ListenConfig
		l1, err := lc.Listen(ctx, "tcp", net.JoinHostPort("127.0.0.2", strconv.Itoa(fixed)))
		if err != nil {
			return nil, nil, 0, fmt.Errorf("listening on 127.0.0.2: %w", err)
		}
		port = l1.Addr().(*net.TCPAddr).Port
		l2, err := lc.Listen(ctx, "tcp", net.JoinHostPort("127.0.0.3", strconv.Itoa(port)))
		if err != nil && fixed != 0 {
			_ = l1.Close()
			return nil, nil, 0, fmt.Errorf("listening on 127.0.0.3:%d: %w", fixed, err)
		}
		if err != nil {
			_ = l1.Close()
			continue // the port is taken on 127.0.0.3; pick another
		}
		return serve("legacy", l1), serve("cluster", l2), port, nil
	}
	return nil, nil, 0, errors.New("finding one free port on both 127.0.0.2 and 127.0.0.3")
}

func serve(name string, l net.Listener) *backend {
	b := &backend{name: name, addr: l.Addr().String()}
	b.srv = &http.Server{Handler: b.metrics.Wrap(b), ReadHeaderTimeout: 5 * time.Second}
	go b.srv.Serve(l) //nolint:errcheck // ends with ErrServerClosed on close
	return b
}

// ServeHTTP answers clients and probes ("hello from NAME", or 503 while
// failing) and reports the client request rate at ratePath.
func (b *backend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == ratePath {
		fmt.Fprintf(w, "%d\n", b.rate(time.Now()))
		return
	}
	probe := r.Header.Get("User-Agent") == "ferry-probe"
	if !probe {
		b.count(time.Now())
	}
	if b.failing.Load() {
		if probe {
			b.mu.Lock()
			b.failingProbes = append(b.failingProbes, time.Now())
			b.mu.Unlock()
		}
		http.Error(w, b.name+" is failing", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("X-Served-By", b.name)
	fmt.Fprintf(w, "hello from %s\n", b.name)
}

func (b *backend) count(now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.recent = append(b.recent, now)
	b.trim(now)
}

// rate is the client requests served in the last second.
func (b *backend) rate(now time.Time) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.trim(now)
	return len(b.recent)
}

func (b *backend) trim(now time.Time) {
	i := 0
	for i < len(b.recent) && now.Sub(b.recent[i]) > time.Second {
		i++
	}
	b.recent = b.recent[i:]
}

// failedProbesBefore counts probes answered with 503 before t.
func (b *backend) failedProbesBefore(t time.Time) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, at := range b.failingProbes {
		if at.Before(t) {
			n++
		}
	}
	return n
}

func (b *backend) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return b.srv.Shutdown(ctx)
}
