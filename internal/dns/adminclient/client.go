package adminclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"ferry.dev/ferry/internal/dns"
)

// Client talks to one server's admin API. The zero value is not usable;
// build it with New.
type Client struct {
	base  string
	token string
	http  *http.Client
}

var _ dns.Provider = (*Client)(nil)

// New returns a client for the admin API at baseURL (e.g.
// "http://127.0.0.1:8053") authenticating with token. httpClient may be nil.
func New(baseURL, token string, httpClient *http.Client) (*Client, error) {
	if err := checkURL(baseURL); err != nil {
		return nil, fmt.Errorf("%w: server: %w", dns.ErrInvalid, err)
	}
	if token == "" {
		return nil, fmt.Errorf("%w: token: must not be empty", dns.ErrInvalid)
	}
	if httpClient == nil {
		httpClient = &http.Client{Timeout: 30 * time.Second}
	}
	return &Client{base: strings.TrimSuffix(baseURL, "/"), token: token, http: httpClient}, nil
}

func checkURL(baseURL string) error {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", baseURL)
	}
	return nil
}

// Get returns the record set for name and type (dns.Provider).
func (c *Client) Get(ctx context.Context, name, rrtype string) (dns.RecordSet, error) {
	var rs dns.RecordSet
	err := c.do(ctx, http.MethodGet, recordPath(name, rrtype), nil, nil, &rs)
	if err != nil {
		return dns.RecordSet{}, fmt.Errorf("getting %s %s: %w", dns.CanonicalName(name), rrtype, err)
	}
	return rs, nil
}

// List returns every record set the server holds.
func (c *Client) List(ctx context.Context) ([]dns.RecordSet, error) {
	var out []dns.RecordSet
	if err := c.do(ctx, http.MethodGet, "/v1/records", nil, nil, &out); err != nil {
		return nil, fmt.Errorf("listing records: %w", err)
	}
	return out, nil
}

// Replace makes rs the whole answer for its name and type if cond holds
// (dns.Provider). When it returns nil the server has the change on disk.
func (c *Client) Replace(ctx context.Context, rs dns.RecordSet, cond dns.Condition) error {
	body, err := json.Marshal(rs)
	if err != nil {
		return fmt.Errorf("encoding %s %s: %w", rs.Name, rs.Type, err)
	}
	if err := c.change(ctx, http.MethodPut, rs.Name, rs.Type, body, cond); err != nil {
		return wrapChange("replacing", rs.Name, rs.Type, err)
	}
	return nil
}

// Delete removes the record set for name and type if cond holds
// (dns.Provider).
func (c *Client) Delete(ctx context.Context, name, rrtype string, cond dns.Condition) error {
	if err := c.change(ctx, http.MethodDelete, name, rrtype, nil, cond); err != nil {
		return wrapChange("deleting", name, rrtype, err)
	}
	return nil
}

// change sends a PUT or DELETE with cond as its precondition header and
// turns a 412 into a *dns.ConflictError carrying what is there now.
func (c *Client) change(ctx context.Context, method, name, rrtype string, body []byte, cond dns.Condition) error {
	if err := cond.Validate(); err != nil {
		return err
	}
	hdr := http.Header{}
	switch rev, match := cond.Revision(); {
	case match:
		hdr.Set("If-Match", `"`+rev+`"`)
	case cond.RequiresAbsent():
		hdr.Set("If-None-Match", "*")
	}
	err := c.do(ctx, method, recordPath(name, rrtype), body, hdr, nil)
	var failed *preconditionFailed
	if errors.As(err, &failed) {
		return &dns.ConflictError{Name: dns.CanonicalName(name), Type: strings.ToUpper(rrtype), Want: cond, Current: failed.current}
	}
	return err
}

// wrapChange names the change an error is about, unless it is a conflict,
// whose message already does.
func wrapChange(verb, name, rrtype string, err error) error {
	if errors.Is(err, dns.ErrConflict) {
		return err
	}
	return fmt.Errorf("%s %s %s: %w", verb, dns.CanonicalName(name), strings.ToUpper(rrtype), err)
}

// preconditionFailed is ferry's 412 answer: the record set there now.
type preconditionFailed struct {
	current *dns.RecordSet
	msg     string
}

func (e *preconditionFailed) Error() string { return e.msg }

func recordPath(name, rrtype string) string {
	return "/v1/records/" + url.PathEscape(dns.CanonicalName(name)) + "/" + url.PathEscape(strings.ToUpper(rrtype))
}

// do sends one request and decodes a 2xx answer into out. Errors map the
// answer to the dns package's sentinels: 400 wraps dns.ErrInvalid, 401 and
// 403 dns.ErrUnauthorized, a 404 with ferry's JSON error body
// dns.ErrNotFound, any other 404 (the URL is not ferry's admin API)
// dns.ErrTerminal, a 412 with ferry's body a *preconditionFailed; anything
// else may be transient.
func (c *Client) do(ctx context.Context, method, path string, body []byte, hdr http.Header, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("building request: %w", err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	// The body is read whole below; closing it cannot lose anything.
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("reading answer: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return statusError(req, resp, data)
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decoding answer: %w", err)
	}
	return nil
}

func statusError(req *http.Request, resp *http.Response, body []byte) error {
	// ferry's error body; Current only in a 412 (null: no record set).
	var apiErr struct {
		Error   string         `json:"error"`
		Current *dns.RecordSet `json:"current"`
	}
	msg := strings.TrimSpace(string(body))
	ferry := strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") &&
		json.Unmarshal(body, &apiErr) == nil && apiErr.Error != ""
	if ferry {
		msg = apiErr.Error
	}
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	status := resp.StatusCode
	switch {
	case status == http.StatusPreconditionFailed && ferry:
		return &preconditionFailed{current: apiErr.Current, msg: msg}
	case status == http.StatusBadRequest:
		// The server's message already starts with dns.ErrInvalid's text.
		return fmt.Errorf("%w: %s", dns.ErrInvalid, strings.TrimPrefix(msg, dns.ErrInvalid.Error()+": "))
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return fmt.Errorf("%w: %s %s answered %d: %s", dns.ErrUnauthorized, req.Method, req.URL, status, msg)
	case status == http.StatusNotFound && ferry:
		return dns.ErrNotFound
	case status == http.StatusNotFound:
		// Not ferry's answer: a wrong path in --server, or another service.
		// Reading it as "no such record" would let a caller adopt a name.
		return fmt.Errorf("%s %s answered 404 without ferry's JSON error (%q): is the server URL the base URL of ferry's admin API? (%w)",
			req.Method, req.URL, msg, dns.ErrTerminal)
	}
	return fmt.Errorf("%s %s answered %d: %s", req.Method, req.URL, status, msg)
}
