package notify

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/gate"
	"ferry.dev/ferry/internal/spec"
)

// Event is one thing that happened, as a receiver sees it.
type Event struct {
	At time.Time `json:"at"`
	// Source is "migrate" or "deploy"; Subject the domain or service.
	Source  string `json:"source"`
	Subject string `json:"subject"`
	// Kind is the timeline's kind (stage, step, alert, failure, …) or
	// "deployed" / "deploy-failed".
	Kind    string `json:"kind"`
	Stage   string `json:"stage,omitempty"`
	Weights string `json:"weights,omitempty"`
	Message string `json:"message"`
	// Figures are the numbers behind the decision (probe figures).
	Figures  map[string]string `json:"figures,omitempty"`
	Evidence []gate.Evidence   `json:"evidence,omitempty"`
}

// Format is how an event is written for a receiver.
type Format string

// Formats: Slack's incoming-webhook payload, or the Event as JSON.
const (
	Slack Format = "slack"
	JSON  Format = "json"
)

// Target is one receiver.
type Target struct {
	URL    string
	Format Format
}

// Targets resolves the file's notifications: each URL is read from its
// file or environment variable (getenv), never from the service file.
// Those whose URL is in a Secret are the controller's: left out here
// (InClusterOnly names them).
func Targets(ns []spec.Notification, getenv func(string) string) ([]Target, error) {
	var out []Target
	for i, n := range ns {
		if n.URLSecret != nil {
			continue
		}
		url := getenv(n.URLEnv)
		if n.URLFile != "" {
			b, err := os.ReadFile(n.URLFile)
			if err != nil {
				return nil, fmt.Errorf("notifications[%d]: reading urlFile: %w", i, err)
			}
			url = strings.TrimSpace(string(b))
		}
		if url == "" {
			return nil, fmt.Errorf("notifications[%d]: the environment variable %s is empty", i, n.URLEnv)
		}
		out = append(out, Target{URL: url, Format: Format(n.Format)})
	}
	return out, nil
}

// InClusterOnly is a note naming the notifications only the controller
// sends to (urlSecretRef), "" when there are none: a local command says so.
func InClusterOnly(ns []spec.Notification) string {
	if which := Named(ns, true); which != "" {
		return which + ": the URL is in a Secret, which only ferry's controller reads (for what it deploys and migrates); nothing is sent to it from here"
	}
	return ""
}

// Named lists the notifications whose URL is in a Secret (inSecret) or
// not, as "notifications[0], notifications[2]"; "" when there are none.
func Named(ns []spec.Notification, inSecret bool) string {
	var which []string
	for i, n := range ns {
		if (n.URLSecret != nil) == inSecret {
			which = append(which, fmt.Sprintf("notifications[%d]", i))
		}
	}
	return strings.Join(which, ", ")
}

// Options tune delivery; zero values take the defaults shown.
type Options struct {
	Queue    int           // events waiting per target; 256
	Attempts int           // deliveries tried per event; 5
	Backoff  time.Duration // first wait between attempts, doubling; 500ms
	Timeout  time.Duration // one delivery; 5s
	Logger   *slog.Logger
}

// Notifier delivers events to its targets in the background.
type Notifier struct {
	o       Options
	queues  []chan Event
	targets []Target
	client  *http.Client
	wg      sync.WaitGroup
	closed  atomic.Bool
	mu      sync.Mutex // guards close of the queues against Send
	dropped atomic.Int64
}

// New starts delivering to targets until ctx ends or Close is called.
func New(ctx context.Context, targets []Target, o Options) *Notifier {
	o = o.withDefaults()
	n := &Notifier{o: o, targets: targets, client: &http.Client{Timeout: o.Timeout}}
	for _, t := range targets {
		q := make(chan Event, o.Queue)
		n.queues = append(n.queues, q)
		n.wg.Add(1)
		go n.deliverLoop(ctx, t, q)
	}
	return n
}

func (o Options) withDefaults() Options {
	if o.Queue == 0 {
		o.Queue = 256
	}
	if o.Attempts == 0 {
		o.Attempts = 5
	}
	if o.Backoff == 0 {
		o.Backoff = 500 * time.Millisecond
	}
	if o.Timeout == 0 {
		o.Timeout = 5 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Send queues e for every target and returns at once; a target whose
// queue is full drops it (see Dropped). A nil Notifier sends nothing.
func (n *Notifier) Send(e Event) {
	if n == nil {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed.Load() {
		return
	}
	for _, q := range n.queues {
		select {
		case q <- e:
		default:
			n.dropped.Add(1)
		}
	}
}

// Dropped is how many event deliveries were dropped: full queues, or
// every attempt failed.
func (n *Notifier) Dropped() int64 { return n.dropped.Load() }

// Close stops accepting events and waits until the queued ones are
// delivered or ctx ends; it never fails.
func (n *Notifier) Close(ctx context.Context) {
	if n == nil {
		return
	}
	n.mu.Lock()
	if !n.closed.Swap(true) {
		for _, q := range n.queues {
			close(q)
		}
	}
	n.mu.Unlock()
	done := make(chan struct{})
	go func() { n.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

func (n *Notifier) deliverLoop(ctx context.Context, t Target, q <-chan Event) {
	defer n.wg.Done()
	for e := range q {
		if ctx.Err() != nil {
			n.dropped.Add(1)
			continue
		}
		n.deliver(ctx, t, e)
	}
}

// deliver posts e, retrying with doubling backoff; it gives up (and
// counts a drop) after Attempts.
func (n *Notifier) deliver(ctx context.Context, t Target, e Event) {
	body, err := Payload(t.Format, e)
	if err != nil {
		n.o.Logger.Warn("encoding a notification", "error", err)
		return
	}
	wait := n.o.Backoff
	for attempt := 1; ; attempt++ {
		err := n.post(ctx, t.URL, body)
		if err == nil {
			return
		}
		if attempt >= n.o.Attempts {
			n.dropped.Add(1)
			n.o.Logger.Warn("giving up on a notification", "attempts", attempt, "error", err)
			return
		}
		select {
		case <-ctx.Done():
			n.dropped.Add(1)
			return
		case <-time.After(wait):
		}
		wait *= 2
	}
}

func (n *Notifier) post(ctx context.Context, url string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := n.client.Do(req)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("the receiver answered %s", resp.Status)
	}
	return nil
}

// Payload is e as format writes it: Slack's {"text": …} with the figures
// and evidence in the text, or the Event itself.
func Payload(format Format, e Event) ([]byte, error) {
	if format == JSON {
		return json.Marshal(e)
	}
	return json.Marshal(map[string]string{"text": e.Text()})
}

// Text is the event for a chat message: subject, stage and weights, the
// message, then the figures and each evaluation of the evidence.
func (e Event) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "*ferry %s* %s", e.Source, e.Subject)
	if e.Stage != "" {
		fmt.Fprintf(&b, " [%s %s]", e.Stage, e.Weights)
	}
	fmt.Fprintf(&b, ": %s", e.Message)
	for _, k := range sortedKeys(e.Figures) {
		fmt.Fprintf(&b, "\n• %s: %s", k, e.Figures[k])
	}
	for _, ev := range e.Evidence {
		fmt.Fprintf(&b, "\n• %s", ev)
	}
	return b.String()
}

// Flush is Close bounded by within: what an ending command waits at most
// for its last notifications. It ignores ctx's cancellation.
func (n *Notifier) Flush(ctx context.Context, within time.Duration) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), within)
	defer cancel()
	n.Close(ctx)
}

// SecretTargets resolves notifications whose URL is in a Secret, for the
// controller: read gives the value of a Secret's key in the object's
// namespace. A notification never stops what it reports on: one whose
// Secret or key is missing, or empty, is left out and named to skipped
// (never with the URL). Others (urlFile, urlEnv) are not the controller's
// to read and are left out silently: the API server refuses them there.
func SecretTargets(ctx context.Context, ns []v1alpha1.Notification, read func(ctx context.Context, name, key string) (string, error), skipped func(string)) []Target {
	var out []Target
	for i, n := range ns {
		ref := n.URLSecretRef
		if ref == nil {
			continue
		}
		where := fmt.Sprintf("notifications[%d]: Secret %s key %q", i, ref.Name, ref.Key)
		url, err := read(ctx, ref.Name, ref.Key)
		url = strings.TrimSpace(url)
		switch {
		case err != nil:
			skipped(fmt.Sprintf("%s: %v; nothing is sent to it", where, err))
		case url == "":
			skipped(where + ": no such key, or empty; nothing is sent to it")
		default:
			out = append(out, Target{URL: url, Format: Format(cmp.Or(n.Format, string(Slack)))})
		}
	}
	return out
}
