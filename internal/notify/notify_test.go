package notify_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"ferry.dev/ferry/internal/gate"
	"ferry.dev/ferry/internal/notify"
)

// receiver is a real HTTP receiver on loopback that records every body
// it accepts; answer decides each request's status (nil: 200).
type receiver struct {
	mu     sync.Mutex
	bodies []string
	calls  int
	answer func(call int) int
	srv    *httptest.Server
}

func newReceiver(t *testing.T, answer func(int) int) *receiver {
	r := &receiver{answer: answer}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.calls++
		code := http.StatusOK
		if r.answer != nil {
			code = r.answer(r.calls)
		}
		if code == http.StatusOK {
			r.bodies = append(r.bodies, string(body))
		}
		r.mu.Unlock()
		w.WriteHeader(code)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.bodies...)
}

func event(i int) notify.Event {
	v := 0.95
	return notify.Event{Source: "migrate", Subject: "api.example.com", Kind: "stage", Stage: "shift", Weights: "legacy:90,cluster:10",
		Message: "step " + string(rune('0'+i)), Figures: map[string]string{"cluster probes": "pass: success 1.000"},
		Evidence: []gate.Evidence{{Check: "success-ratio", Side: "cluster", Query: "sum(x)", Op: gate.Min, Threshold: 0.99, Value: &v, Verdict: gate.Fail, Source: "http://prom"}}}
}

// TestDeliveredInOrderWithFigures: a Slack receiver and a JSON receiver
// get one payload per event, in order, with the figures and evidence;
// a receiver failing twice gets each event once the retry succeeds.
func TestDeliveredInOrderWithFigures(t *testing.T) {
	slack := newReceiver(t, nil)
	js := newReceiver(t, nil)
	flaky := newReceiver(t, func(call int) int {
		if call <= 2 {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	})
	n := notify.New(t.Context(), []notify.Target{{URL: slack.srv.URL, Format: notify.Slack}, {URL: js.srv.URL, Format: notify.JSON},
		{URL: flaky.srv.URL, Format: notify.Slack}}, notify.Options{Backoff: time.Millisecond})
	for i := range 5 {
		n.Send(event(i))
	}
	n.Close(t.Context())
	for name, r := range map[string]*receiver{"slack": slack, "json": js, "flaky": flaky} {
		got := r.got()
		if len(got) != 5 {
			t.Fatalf("%s: %d payloads, want 5: %q", name, len(got), got)
		}
		for i, body := range got {
			var text string
			if name == "json" {
				var e notify.Event
				if err := json.Unmarshal([]byte(body), &e); err != nil || e.Message != event(i).Message || *e.Evidence[0].Value != 0.95 {
					t.Errorf("json[%d] = %s (%v)", i, body, err)
				}
				continue
			}
			var p struct{ Text string }
			if err := json.Unmarshal([]byte(body), &p); err != nil {
				t.Fatal(err)
			}
			text = p.Text
			for _, want := range []string{event(i).Message, "cluster success-ratio = 0.95 (min 0.99) fail: sum(x)", "cluster probes: pass", "[shift legacy:90,cluster:10]"} {
				if !strings.Contains(text, want) {
					t.Errorf("%s[%d] = %q, want %q in it", name, i, text, want)
				}
			}
		}
	}
}

// TestSlowReceiverNeverBlocks: a receiver that does not answer until the
// test ends holds nothing up: Send returns for every event (the queue
// drops what it cannot hold, and counts it), and Close returns when its
// context ends.
func TestSlowReceiverNeverBlocks(t *testing.T) {
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(release) })
	n := notify.New(t.Context(), []notify.Target{{URL: slow.URL}}, notify.Options{Queue: 4, Timeout: time.Hour})
	for i := range 100 {
		n.Send(event(i))
	}
	if n.Dropped() < 90 {
		t.Errorf("dropped %d of 100 with a queue of 4 and a receiver that never answers", n.Dropped())
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	n.Close(ctx)
}
