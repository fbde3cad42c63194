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

// ErrUnauthorized means the server refused the token.
var ErrUnauthorized = errors.New("the DNS server refused the token")

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
// status to the dns package's sentinels: 400 wraps dns.ErrInvalid, 404
// dns.ErrNotFound, 401 ErrUnauthorized; anything else may be transient.
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
		return statusError(resp.StatusCode, data)
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decoding answer: %w", err)
	}
	return nil
}

func statusError(status int, body []byte) error {
	var apiErr struct {
		Error string `json:"error"`
	}
	msg := strings.TrimSpace(string(body))
	if json.Unmarshal(body, &apiErr) == nil && apiErr.Error != "" {
		msg = apiErr.Error
	}
	switch status {
	case http.StatusBadRequest:
		// The server's message already starts with dns.ErrInvalid's text.
		return fmt.Errorf("%w: %s", dns.ErrInvalid, strings.TrimPrefix(msg, dns.ErrInvalid.Error()+": "))
	case http.StatusNotFound:
		return dns.ErrNotFound
	case http.StatusUnauthorized:
		return ErrUnauthorized
	}
	return fmt.Errorf("server answered %d: %s", status, msg)
}
