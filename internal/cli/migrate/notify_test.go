package migrate_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// slackReceiver records the text of every Slack-format payload, in order.
type slackReceiver struct {
	mu    sync.Mutex
	texts []string
}

func (r *slackReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	var p struct{ Text string }
	if err := json.Unmarshal(body, &p); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	r.texts = append(r.texts, p.Text)
	r.mu.Unlock()
}

// TestNotificationsOnePerEvent: a Slack-format receiver gets one payload
// per timeline event, in order, with the probe figures and the metric
// evidence; a receiver that is down and one that never answers change
// nothing in the migration's outcome.
func TestNotificationsOnePerEvent(t *testing.T) {
	t.Parallel()
	rec := &slackReceiver{}
	good := httptest.NewServer(rec)
	t.Cleanup(good.Close)
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(release) })
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + l.Addr().String()
	l.Close()
	dir := t.TempDir()
	var extra strings.Builder
	extra.WriteString("notifications:\n")
	for i, u := range []string{good.URL, down, slow.URL} {
		f := writeFile(t, filepath.Join(dir, fmt.Sprintf("url%d", i)), u+"\n")
		fmt.Fprintf(&extra, "  - {urlFile: %q}\n", f)
	}
	e := newMetricEnv(t, "notified", "1s", prom, extra.String())
	r := <-e.start(t.Context())
	checkExit(t, "start", r.code, r.msg, 0, "done: legacy has drained")
	s := e.state(t)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.texts) != len(s.Timeline) {
		t.Fatalf("%d payloads for %d timeline events:\n%s", len(rec.texts), len(s.Timeline), strings.Join(rec.texts, "\n---\n"))
	}
	evidence := 0
	for i, ev := range s.Timeline {
		text := rec.texts[i]
		if !strings.Contains(text, ev.Message) || !strings.Contains(text, "notified.metric.test") {
			t.Errorf("payload %d = %q, want the event %q", i, text, ev.Message)
		}
		if strings.Contains(text, "success-ratio = ") {
			evidence++
		}
	}
	if evidence == 0 || !strings.Contains(strings.Join(rec.texts, "\n"), "cluster probes: pass") {
		t.Errorf("no payload carries the figures:\n%s", strings.Join(rec.texts, "\n---\n"))
	}
}
