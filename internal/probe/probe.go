package probe

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Target is one side to probe: its address and the domain it serves.
type Target struct {
	// Address is "host[:port]" of the side itself (an IP or a host name);
	// the port defaults to 80 for http and 443 for https.
	Address string
	// Domain is sent as the Host header and TLS server name.
	Domain string
	Scheme string // http or https
	Path   string
	// Insecure skips TLS verification (for self-signed test backends).
	Insecure bool
}

// Prober sends requests to one Target.
type Prober struct {
	target Target
	client *http.Client
	dial   string
}

// New returns a Prober whose every connection goes to t.Address, never to
// what DNS says about t.Domain.
func New(t Target, timeout time.Duration) (*Prober, error) {
	if t.Scheme == "" {
		t.Scheme = "http"
	}
	if t.Path == "" {
		t.Path = "/"
	}
	dial, err := dialAddress(t)
	if err != nil {
		return nil, err
	}
	d := &net.Dialer{Timeout: timeout}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, dial)
		},
		TLSClientConfig:     &tls.Config{ServerName: hostOnly(t.Domain), InsecureSkipVerify: t.Insecure}, //nolint:gosec // opt-in for test backends
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     30 * time.Second,
	}
	return &Prober{target: t, dial: dial, client: &http.Client{
		Transport: tr, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}, nil
}

func dialAddress(t Target) (string, error) {
	host, port, err := net.SplitHostPort(t.Address)
	if err != nil {
		host, port = t.Address, "80"
		if t.Scheme == "https" {
			port = "443"
		}
	}
	if _, err := strconv.Atoi(port); err != nil || host == "" {
		return "", fmt.Errorf("probe address %q: want host[:port]", t.Address)
	}
	return net.JoinHostPort(host, port), nil
}

func hostOnly(domain string) string {
	if h, _, err := net.SplitHostPort(domain); err == nil {
		return h
	}
	return domain
}

// Response is what one request got.
type Response struct {
	Status  int
	Body    []byte
	Latency time.Duration
	Err     error
}

// OK reports a 2xx or 3xx answer.
func (r Response) OK() bool { return r.Err == nil && r.Status >= 200 && r.Status < 400 }

// Get requests path (the target's Path when empty) and reads the whole body.
func (p *Prober) Get(ctx context.Context, path string) Response {
	if path == "" {
		path = p.target.Path
	}
	start := time.Now()
	url := p.target.Scheme + "://" + p.target.Domain + path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return Response{Err: fmt.Errorf("building request: %w", err)}
	}
	req.Header.Set("User-Agent", "ferry-probe")
	resp, err := p.client.Do(req)
	if err != nil {
		return Response{Err: fmt.Errorf("probing %s via %s: %w", url, p.dial, err), Latency: time.Since(start)}
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	r := Response{Status: resp.StatusCode, Body: body, Latency: time.Since(start)}
	if err != nil {
		r.Err = fmt.Errorf("reading %s via %s: %w", url, p.dial, err)
	}
	return r
}

// Sample probes path once (the target's Path when empty) and returns the
// outcome as a window sample.
func (p *Prober) Sample(ctx context.Context, path string) Sample {
	r := p.Get(ctx, path)
	return Sample{At: time.Now(), OK: r.OK(), Latency: r.Latency}
}

// Batch sends n probes at once, spread round-robin over paths, and returns
// their samples in path order. At most 8 are in flight together.
func (p *Prober) Batch(ctx context.Context, paths []string, n int) []Sample {
	out := make([]Sample, n)
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i] = p.Sample(ctx, paths[i%len(paths)])
		}()
	}
	wg.Wait()
	return out
}

// Close releases idle connections.
func (p *Prober) Close() { p.client.CloseIdleConnections() }
