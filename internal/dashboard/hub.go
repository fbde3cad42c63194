package dashboard

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"slices"
	"sync"
)

// event is one SSE message.
type event struct {
	id   int
	name string
	data []byte
}

// hub holds the latest snapshot and the charts' history, and fans every
// change out to the open streams.
type hub struct {
	mu      sync.Mutex
	version int
	snap    []byte
	same    []byte // snap without its time, to tell a change
	series  map[string]*series
	subs    map[chan event]struct{}
}

func newHub() *hub {
	return &hub{snap: []byte("{}"), series: map[string]*series{}, subs: map[chan event]struct{}{}}
}

// update records a poll's snapshot and samples and sends them on.
func (h *hub) update(snap Snapshot) error {
	data, err := json.Marshal(snap)
	if err != nil {
		return err
	}
	same, err := json.Marshal([]any{snap.Sources, snap.Migrations, snap.Absent, snap.DeploySources, snap.Releases})
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	samples := map[string]Sample{}
	for _, v := range snap.Migrations {
		s := h.series[v.Key]
		if s == nil {
			s = &series{}
			h.series[v.Key] = s
		}
		samples[v.Key] = s.add(snap.At.UnixMilli(), v)
	}
	sdata, err := json.Marshal(samples)
	if err != nil {
		return err
	}
	h.version++
	if !bytes.Equal(same, h.same) {
		h.snap, h.same = data, same
		h.broadcast(event{id: h.version, name: "snapshot", data: data})
	}
	h.broadcast(event{id: h.version, name: "samples", data: sdata})
	return nil
}

// broadcast sends e to every stream; one that cannot keep up is closed
// (its page reconnects and catches up from the whole picture).
func (h *hub) broadcast(e event) {
	for c := range h.subs {
		select {
		case c <- e:
		default:
			delete(h.subs, c)
			close(c)
		}
	}
}

// subscribe returns the whole picture (history, then snapshot) and a
// channel of what follows; cancel ends it.
func (h *hub) subscribe() (first []event, c chan event, cancel func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	hist := make(map[string][]Sample, len(h.series))
	for _, k := range slices.Sorted(maps.Keys(h.series)) {
		hist[k] = slices.Clone(h.series[k].samples)
	}
	hdata, _ := json.Marshal(hist) // samples always encode
	first = []event{
		{id: h.version, name: "history", data: hdata},
		{id: h.version, name: "snapshot", data: h.snap},
	}
	c = make(chan event, 16)
	h.subs[c] = struct{}{}
	return first, c, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := h.subs[c]; ok {
			delete(h.subs, c)
			close(c)
		}
	}
}

// latest is the last snapshot, as JSON.
func (h *hub) latest() []byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.snap
}

// poll builds a snapshot from the server's sources.
func (s *Server) poll(ctx context.Context) Snapshot {
	snap := Snapshot{At: s.o.Now().UTC(), Absent: s.o.Absent}
	for i, src := range s.o.Sources {
		sv := SourceView{Name: src.Name()}
		ms, err := src.Migrations(ctx)
		if err != nil {
			sv.Error = err.Error()
		}
		for _, m := range ms {
			snap.Migrations = append(snap.Migrations, view(i, m, s.o.Traffic))
		}
		snap.Sources = append(snap.Sources, sv)
	}
	snap.DeploySources, snap.Releases = s.readDeploys(ctx, snap.At)
	return snap
}
