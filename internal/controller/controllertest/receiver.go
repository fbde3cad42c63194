package controllertest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"ferry.dev/ferry/internal/notify"
)

// Receiver is a webhook receiver on loopback that keeps the JSON events
// (notify.Event) posted to it.
type Receiver struct {
	URL    string
	mu     sync.Mutex
	events []notify.Event
}

// ReceiveNotifications starts a Receiver, stopped when the test ends.
func ReceiveNotifications(t *testing.T) *Receiver {
	t.Helper()
	r := &Receiver{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var ev notify.Event
		if err := json.NewDecoder(req.Body).Decode(&ev); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		r.events = append(r.events, ev)
		r.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	r.URL = srv.URL + "/hook"
	return r
}

// Await polls the events received until ok says enough came; it fails the
// test after a minute.
func (r *Receiver) Await(t *testing.T, ok func([]notify.Event) bool) []notify.Event {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		r.mu.Lock()
		evs := slices.Clone(r.events)
		r.mu.Unlock()
		if ok(evs) {
			return evs
		}
		if time.Now().After(deadline) {
			t.Fatalf("notifications received: %+v; the one awaited did not come", evs)
		}
	}
}
