package r53test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Proxy is a loopback HTTP proxy in front of moto that misbehaves the way
// Route 53 does under load: it answers a share of calls with Throttling
// (HTTP 400, as Route 53 does), reports changes PENDING for a number of
// polls before INSYNC, or refuses every call with AccessDenied. It counts
// the calls it saw by operation.
type Proxy struct {
	// URL is the endpoint to give the SDK or the AWS CLI.
	URL string
	srv *httptest.Server

	mu        sync.Mutex
	throttle  float64        // share of calls answered Throttling
	every     map[string]int // op → the first of every k calls of op is answered Throttling
	pending   int            // polls a change stays PENDING
	deny      bool
	polls     map[string]int // change id → GetChange calls seen
	calls     map[string]int
	run       map[string]int // op → Throttling answers in a row, up to maxRun
	throttled int
	before    func() // run once before the next change is forwarded
	syncDelay time.Duration
	changedAt time.Time
	changes   []Change
	after     map[int]func() // run when change n (1-based) has been made, before its answer is sent
}

// Change is one ChangeResourceRecordSets call the proxy forwarded: the
// request body and moto's status.
type Change struct {
	Body   string
	Status int
}

// NewProxy starts a proxy in front of target (moto's URL).
func NewProxy(target string) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("parsing %q: %w", target, err)
	}
	p := &Proxy{polls: map[string]int{}, calls: map[string]int{}, run: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ModifyResponse = p.rewrite
	p.srv = httptest.NewServer(p.handler(rp))
	p.URL = p.srv.URL
	return p, nil
}

// Close stops the proxy.
func (p *Proxy) Close() { p.srv.Close() }

// maxRun bounds the Throttling answers one operation gets in a row: the
// random share alone would, now and then, throttle every attempt of a
// caller that retries (with ThrottleEvery 2 and a share of 0.33, all 8 of
// ferry's attempts at 0.33^4, about 1% a call), failing a test that means
// to show the retries working. A caller that tries maxRun+1 times gets
// through.
const maxRun = 3

// Set changes the misbehaviour: share of calls throttled (0 to 1), polls
// each change stays PENDING, and whether every call is denied.
func (p *Proxy) Set(throttle float64, pendingPolls int, deny bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.throttle, p.pending, p.deny = throttle, pendingPolls, deny
}

// ThrottleEvery answers Throttling to the first of every k calls of op
// (k 2: the 1st, 3rd, 5th …), counted from the proxy's start: with one
// caller, each call of op is then retried exactly once, a count a test
// can expect. k 0 stops it.
func (p *Proxy) ThrottleEvery(op string, k int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.every == nil {
		p.every = map[string]int{}
	}
	p.every[op] = k
}

// SetSyncDelay makes each change PENDING until d after it was made, as
// Route 53's propagation takes time (usually well under a minute).
func (p *Proxy) SetSyncDelay(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.syncDelay = d
}

// AfterChange runs fn when moto has answered the n-th change (counting
// from 1, throttled calls excluded), before the answer is sent on: a
// process killed by fn never hears that its batch was made.
func (p *Proxy) AfterChange(n int, fn func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.after == nil {
		p.after = map[int]func(){}
	}
	p.after[n] = fn
}

// Changes returns every change forwarded so far.
func (p *Proxy) Changes() []Change {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Change(nil), p.changes...)
}

// BeforeChange runs fn once, right before the next
// ChangeResourceRecordSets is forwarded to moto: a change made by fn comes
// between ferry's read and its batch.
func (p *Proxy) BeforeChange(fn func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.before = fn
}

// Counts returns the calls seen by operation, and how many were throttled.
func (p *Proxy) Counts() (map[string]int, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]int, len(p.calls))
	for k, v := range p.calls {
		out[k] = v
	}
	return out, p.throttled
}

// operation names a Route 53 REST call from its method and path.
func operation(r *http.Request) string {
	path := strings.TrimPrefix(r.URL.Path, "/2013-04-01/")
	switch {
	case strings.HasPrefix(path, "change/"):
		return "GetChange"
	case strings.HasSuffix(path, "/rrset") || strings.HasSuffix(path, "/rrset/"):
		if r.Method == http.MethodPost {
			return "ChangeResourceRecordSets"
		}
		return "ListResourceRecordSets"
	case strings.HasPrefix(path, "hostedzone/"):
		return "GetHostedZone"
	case path == "hostedzone":
		return r.Method + " hostedzone"
	}
	return r.Method + " " + path
}

func (p *Proxy) handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op := operation(r)
		p.mu.Lock()
		p.calls[op]++
		deny := p.deny
		k := p.every[op]
		throttled := !deny && (p.throttle > 0 && rand.Float64() < p.throttle || k > 0 && (p.calls[op]-1)%k == 0) && p.run[op] < maxRun
		if throttled {
			p.throttled++
			p.run[op]++
		} else {
			p.run[op] = 0
		}
		var before func()
		if op == "ChangeResourceRecordSets" && !deny && !throttled {
			before, p.before = p.before, nil
		}
		p.mu.Unlock()
		if before != nil {
			before()
		}
		switch {
		case deny:
			writeError(w, http.StatusForbidden, "AccessDenied",
				"User: arn:aws:iam::123456789012:user/ferry is not authorized to perform: route53:"+op)
		case throttled:
			writeError(w, http.StatusBadRequest, "Throttling", "Rate exceeded")
		default:
			if op == "ChangeResourceRecordSets" {
				b, err := io.ReadAll(r.Body)
				if err != nil {
					http.Error(w, err.Error(), http.StatusBadRequest)
					return
				}
				r.Body = io.NopCloser(bytes.NewReader(b))
				r = r.WithContext(context.WithValue(r.Context(), bodyKey{}, b))
			}
			next.ServeHTTP(w, r)
		}
	})
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0"?>
<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>ferry-test</RequestId></ErrorResponse>`, code, msg)
}

// rewrite reports a change PENDING (moto makes every change INSYNC at
// once) until it has been polled the configured number of times.
func (p *Proxy) rewrite(resp *http.Response) error {
	op := operation(resp.Request)
	if op != "GetChange" && op != "ChangeResourceRecordSets" {
		return nil
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close() // read whole above
	if err != nil {
		return err
	}
	if op == "ChangeResourceRecordSets" {
		if fn := p.recordChange(resp); fn != nil {
			fn()
		}
	}
	p.mu.Lock()
	id := resp.Request.URL.Path
	if op == "GetChange" {
		p.polls[id]++
	} else {
		// moto gives every change the same id: a new change starts the
		// count of its polls again.
		clear(p.polls)
	}
	if op == "ChangeResourceRecordSets" {
		p.changedAt = time.Now()
	}
	late := p.syncDelay > 0 && time.Since(p.changedAt) < p.syncDelay
	if late || p.pending > 0 && (op == "ChangeResourceRecordSets" || p.polls[id] <= p.pending) {
		body = bytes.ReplaceAll(body, []byte("<Status>INSYNC</Status>"), []byte("<Status>PENDING</Status>"))
	}
	p.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Length")
	return nil
}

// recordChange notes a forwarded change and returns the hook to run.
func (p *Proxy) recordChange(resp *http.Response) func() {
	var body string
	if b, ok := resp.Request.Context().Value(bodyKey{}).([]byte); ok {
		body = string(b)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.changes = append(p.changes, Change{Body: body, Status: resp.StatusCode})
	return p.after[len(p.changes)]
}

// bodyKey carries a change's request body from the handler to rewrite.
type bodyKey struct{}
