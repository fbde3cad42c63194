package gate

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Prometheus queries one Prometheus server's HTTP API.
type Prometheus struct {
	// URL is the server's base URL ("http://prometheus:9090").
	URL string
	// BearerTokenFile, when set, is read before every query (so a rotated
	// token takes effect) and sent as "Authorization: Bearer".
	BearerTokenFile string
	// Timeout bounds one query; zero means 5s.
	Timeout time.Duration
	client  *http.Client
}

// NewPrometheus is a client of the server at base; caFile, when set, is the
// PEM bundle its TLS certificate is checked against.
func NewPrometheus(base, tokenFile, caFile string, timeout time.Duration) (*Prometheus, error) {
	p := &Prometheus{URL: strings.TrimSuffix(base, "/"), BearerTokenFile: tokenFile, Timeout: timeout, client: &http.Client{}}
	if p.Timeout == 0 {
		p.Timeout = 5 * time.Second
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("reading the Prometheus CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("reading the Prometheus CA file %s: no PEM certificate in it", caFile)
		}
		p.client.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	}
	return p, nil
}

// ErrNoData is a query that returned no series: the metric does not exist
// (yet), its labels do not match, or there was no traffic.
var ErrNoData = errors.New("the query returned no data")

// Query evaluates q at the server's current time and returns its one
// number. No series, more than one series and an error answer are errors.
func (p *Prometheus) Query(ctx context.Context, q string) (float64, error) {
	ctx, cancel := context.WithTimeout(ctx, p.Timeout)
	defer cancel()
	body, err := p.get(ctx, "/api/v1/query?query="+url.QueryEscape(q))
	if err != nil {
		return 0, err
	}
	return parseAnswer(body)
}

func (p *Prometheus) get(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.URL+path, nil)
	if err != nil {
		return nil, fmt.Errorf("querying Prometheus: %w", err)
	}
	if p.BearerTokenFile != "" {
		tok, err := os.ReadFile(p.BearerTokenFile)
		if err != nil {
			return nil, fmt.Errorf("reading the Prometheus token file: %w", err)
		}
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(tok)))
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("querying Prometheus: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("reading Prometheus's answer: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("querying Prometheus: %s: %s", resp.Status, strings.TrimSpace(string(body)))
	}
	return body, nil
}

// answer is the part of /api/v1/query's JSON that carries the number.
type answer struct {
	Status string `json:"status"`
	Error  string `json:"error"`
	Data   struct {
		ResultType string          `json:"resultType"`
		Result     json.RawMessage `json:"result"`
	} `json:"data"`
}

func parseAnswer(body []byte) (float64, error) {
	var a answer
	if err := json.Unmarshal(body, &a); err != nil {
		return 0, fmt.Errorf("decoding Prometheus's answer: %w", err)
	}
	if a.Status != "success" {
		return 0, fmt.Errorf("prometheus: %s", a.Error)
	}
	var sample []any
	switch a.Data.ResultType {
	case "scalar":
		if err := json.Unmarshal(a.Data.Result, &sample); err != nil {
			return 0, fmt.Errorf("decoding Prometheus's scalar: %w", err)
		}
	case "vector":
		var series []struct {
			Value []any `json:"value"`
		}
		if err := json.Unmarshal(a.Data.Result, &series); err != nil {
			return 0, fmt.Errorf("decoding Prometheus's vector: %w", err)
		}
		if len(series) == 0 {
			return 0, ErrNoData
		}
		if len(series) > 1 {
			return 0, fmt.Errorf("the query returned %d series, want one (aggregate it, e.g. with sum())", len(series))
		}
		sample = series[0].Value
	default:
		return 0, fmt.Errorf("the query returned a %s, want one number", a.Data.ResultType)
	}
	if len(sample) != 2 {
		return 0, fmt.Errorf("unexpected Prometheus sample %v", sample)
	}
	s, _ := sample[1].(string)
	return strconv.ParseFloat(s, 64) // "NaN" parses: Judge calls it inconclusive
}
