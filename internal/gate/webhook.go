package gate

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// Webhook is an HTTP endpoint ferry POSTs a JSON payload to, and whose
// answer holds, fails or rolls back a step (see the migration's webhooks).
type Webhook struct {
	Name string `json:"name"`
	Type string `json:"type"`
	URL  string `json:"url"`
	// SecretFile, when set, is read before every call and its content
	// sent in the SecretHeader header.
	SecretFile string        `json:"secretFile,omitempty"`
	Timeout    time.Duration `json:"timeout"`
	// Retries are further attempts after a connection error or a 5xx.
	Retries int `json:"retries"`
}

// SecretHeader carries a webhook's shared secret.
const SecretHeader = "X-Ferry-Secret"

// Answer is what a webhook said.
type Answer struct {
	Status int    `json:"status"`
	Body   string `json:"body,omitempty"`
	// Err is set when no answer came (connection refused, timeout).
	Err string    `json:"error,omitempty"`
	At  time.Time `json:"at"`
}

// OK reports a 2xx answer.
func (a Answer) OK() bool { return a.Err == "" && a.Status/100 == 2 }

// String is the answer for a timeline: "403: not yet" or the error.
func (a Answer) String() string {
	if a.Err != "" {
		return a.Err
	}
	if a.Body == "" {
		return fmt.Sprint(a.Status)
	}
	return fmt.Sprintf("%d: %s", a.Status, a.Body)
}

// Call POSTs payload to w, retrying a connection error or a 5xx up to
// w.Retries times; any other answer is final.
func Call(ctx context.Context, w Webhook, payload []byte) Answer {
	var a Answer
	for attempt := 0; attempt <= w.Retries; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return Answer{Err: ctx.Err().Error(), At: time.Now()}
			case <-time.After(time.Duration(attempt) * 100 * time.Millisecond):
			}
		}
		a = call(ctx, w, payload)
		if a.Err == "" && a.Status < 500 {
			return a
		}
	}
	return a
}

func call(ctx context.Context, w Webhook, payload []byte) Answer {
	ctx, cancel := context.WithTimeout(ctx, w.Timeout)
	defer cancel()
	fail := func(err error) Answer { return Answer{Err: fmt.Sprintf("webhook %s: %v", w.Name, err), At: time.Now()} }
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(payload))
	if err != nil {
		return fail(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if w.SecretFile != "" {
		secret, err := os.ReadFile(w.SecretFile)
		if err != nil {
			return fail(fmt.Errorf("reading its secretFile: %w", err))
		}
		req.Header.Set(SecretHeader, strings.TrimSpace(string(secret)))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fail(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	return Answer{Status: resp.StatusCode, Body: strings.TrimSpace(string(body)), At: time.Now()}
}

// Webhook types: confirm-step holds the next step until it answers 2xx;
// pre-step (before each step's DNS change) and post-step (after it) count
// a failure against the cluster's gate; rollback, polled every gate
// interval, rolls back when it answers 2xx.
const (
	HookConfirmStep = "confirm-step"
	HookPreStep     = "pre-step"
	HookPostStep    = "post-step"
	HookRollback    = "rollback"
)
