package adminclient

import (
	"bytes"
	"context"
	"encoding/json"
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
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: server: %q is not an http(s) URL", dns.ErrInvalid, baseURL)
	}
	if token == "" {
		return nil, fmt.Errorf("%w: token: must not be empty", dns.ErrInvalid)
	}
	if httpClient == nil {
		httpClient = &http.Client{Timeout: 30 * time.Second}
	}
	return &Client{base: strings.TrimSuffix(baseURL, "/"), token: token, http: httpClient}, nil
}

// Get returns the record set for name and type (dns.Provider).
func (c *Client) Get(ctx context.Context, name, rrtype string) (dns.RecordSet, error) {
	var rs dns.RecordSet
	err := c.do(ctx, http.MethodGet, recordPath(name, rrtype), nil, &rs)
	if err != nil {
		return dns.RecordSet{}, fmt.Errorf("getting %s %s: %w", dns.CanonicalName(name), rrtype, err)
	}
	return rs, nil
}

// List returns every record set the server holds.
func (c *Client) List(ctx context.Context) ([]dns.RecordSet, error) {
	var out []dns.RecordSet
	if err := c.do(ctx, http.MethodGet, "/v1/records", nil, &out); err != nil {
		return nil, fmt.Errorf("listing records: %w", err)
	}
	return out, nil
}

// Replace makes rs the whole answer for its name and type (dns.Provider).
// When it returns nil the server has the change on disk.
func (c *Client) Replace(ctx context.Context, rs dns.RecordSet) error {
	body, err := json.Marshal(rs)
	if err != nil {
		return fmt.Errorf("encoding %s %s: %w", rs.Name, rs.Type, err)
	}
	if err := c.do(ctx, http.MethodPut, recordPath(rs.Name, rs.Type), body, nil); err != nil {
		return fmt.Errorf("replacing %s %s: %w", dns.CanonicalName(rs.Name), rs.Type, err)
	}
	return nil
}

// Delete removes the record set for name and type (dns.Provider).
func (c *Client) Delete(ctx context.Context, name, rrtype string) error {
	if err := c.do(ctx, http.MethodDelete, recordPath(name, rrtype), nil, nil); err != nil {
		return fmt.Errorf("deleting %s %s: %w", dns.CanonicalName(name), rrtype, err)
	}
	return nil
}

func recordPath(name, rrtype string) string {
	return "/v1/records/" + url.PathEscape(dns.CanonicalName(name)) + "/" + url.PathEscape(strings.ToUpper(rrtype))
}

// do sends one request and decodes a 2xx answer into out. Errors map the
// answer to the dns package's sentinels: 400 wraps dns.ErrInvalid, 401 and
// 403 dns.ErrUnauthorized, a 404 with ferry's JSON error body
// dns.ErrNotFound, any other 404 (the URL is not ferry's admin API)
// dns.ErrTerminal; anything else may be transient.
func (c *Client) do(ctx context.Context, method, path string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("building request: %w", err)
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
	var apiErr struct {
		Error string `json:"error"`
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
