package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	mdns "github.com/miekg/dns"
)

// resolver is one client's caching stub resolver: it asks the DNS server
// only when its cached answer's TTL has run out, as a caching resolver does.
type resolver struct {
	server  string
	client  *mdns.Client
	ip      string
	fetched time.Time
	expires time.Time
}

func newResolver(server string) *resolver {
	return &resolver{server: server, client: &mdns.Client{Net: "udp", Timeout: 2 * time.Second}}
}

// lookup returns the address for name and when that answer was fetched.
func (r *resolver) lookup(ctx context.Context, name string, now time.Time) (string, time.Time, error) {
	if r.ip != "" && now.Before(r.expires) {
		return r.ip, r.fetched, nil
	}
	m := new(mdns.Msg)
	m.SetQuestion(name, mdns.TypeA)
	var lastErr error
	for range 3 { // a resolver retries a lost UDP answer
		in, _, err := r.client.ExchangeContext(ctx, m, r.server)
		if err != nil {
			lastErr = err
			continue
		}
		for _, rr := range in.Answer {
			if a, ok := rr.(*mdns.A); ok {
				r.ip, r.fetched = a.A.String(), now
				r.expires = now.Add(time.Duration(a.Hdr.Ttl) * time.Second)
				return r.ip, r.fetched, nil
			}
		}
		return "", time.Time{}, fmt.Errorf("resolving %s: no A record (rcode %s)", name, mdns.RcodeToString[in.Rcode])
	}
	return "", time.Time{}, fmt.Errorf("resolving %s: %w", name, lastErr)
}

// outcome is one client request.
type outcome struct {
	at       time.Time
	resolved time.Time // when the DNS answer used was fetched
	side     string
	ok       bool
	latency  time.Duration
	err      string
}

// worker sends requests to domain at the given pace until ctx ends.
func worker(ctx context.Context, res *resolver, hc *http.Client, domain string, port int, every time.Duration, rec func(outcome)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		o := request(ctx, res, hc, domain, port)
		if ctx.Err() != nil && !o.ok {
			return // cancelled mid-request at the end of the demo: not a failure
		}
		rec(o)
	}
}

var sides = map[string]string{"127.0.0.2": "legacy", "127.0.0.3": "cluster"}

func request(ctx context.Context, res *resolver, hc *http.Client, domain string, port int) outcome {
	start := time.Now()
	o := outcome{at: start}
	ip, fetched, err := res.lookup(ctx, domain+".", start)
	if err != nil {
		o.err, o.latency, o.side = err.Error(), time.Since(start), "dns"
		return o
	}
	o.resolved, o.side = fetched, sides[ip]
	// The URL names the address so keep-alive connections are per side;
	// the Host header names the domain, as a browser's would.
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(ip, strconv.Itoa(port))+"/", nil)
	if err != nil {
		o.err = err.Error()
		return o
	}
	req.Host = domain
	resp, err := hc.Do(req)
	if err != nil {
		o.err, o.latency = err.Error(), time.Since(start)
		return o
	}
	_, err = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	o.latency = time.Since(start)
	switch {
	case err != nil && !errors.Is(err, io.EOF):
		o.err = err.Error()
	case resp.StatusCode >= 500:
		o.err = resp.Status
	default:
		o.ok = true
	}
	return o
}
