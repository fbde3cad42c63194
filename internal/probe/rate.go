package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// LegacyRate reads the request rate legacy still serves: from rateURL (a
// body that is a bare number, or JSON {"rate": N}), or else from a
// Prometheus instant query (the first sample's value). A query returning no
// series is an error, not a rate of 0.
func LegacyRate(ctx context.Context, rateURL, prometheus, query string) (float64, error) {
	if rateURL != "" {
		body, err := fetch(ctx, rateURL)
		if err != nil {
			return 0, err
		}
		return parseRate(body)
	}
	u := strings.TrimSuffix(prometheus, "/") + "/api/v1/query?query=" + url.QueryEscape(query)
	body, err := fetch(ctx, u)
	if err != nil {
		return 0, err
	}
	var r struct {
		Data struct {
			Result []struct {
				Value []any `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return 0, fmt.Errorf("decoding Prometheus answer: %w", err)
	}
	if len(r.Data.Result) == 0 {
		// A query that matches nothing (a typo, a renamed metric) must not
		// read as "no traffic" and end the drain at once.
		return 0, fmt.Errorf("prometheus query %q returned no series: check migration.drain.query (for no traffic it should still return a sample, e.g. with `or vector(0)`)", query)
	}
	if v := r.Data.Result[0].Value; len(v) == 2 {
		if s, ok := v[1].(string); ok {
			return strconv.ParseFloat(s, 64)
		}
	}
	return 0, fmt.Errorf("unexpected Prometheus sample %v", r.Data.Result[0].Value)
}

func parseRate(body []byte) (float64, error) {
	text := strings.TrimSpace(string(body))
	if f, err := strconv.ParseFloat(text, 64); err == nil {
		return f, nil
	}
	var r struct {
		Rate *float64 `json:"rate"`
	}
	if err := json.Unmarshal(body, &r); err != nil || r.Rate == nil {
		return 0, fmt.Errorf("rate source answered %q: want a number or {\"rate\": N}", text)
	}
	return *r.Rate, nil
}

func fetch(ctx context.Context, u string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("reading rate: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("reading rate: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("reading rate from %s: HTTP %d", u, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("reading rate: %w", err)
	}
	return body, nil
}
