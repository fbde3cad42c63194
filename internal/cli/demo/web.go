package demo

import (
	"context"
	"fmt"
	"io"
	"os"

	"ferry.dev/ferry/internal/dashboard"
	"ferry.dev/ferry/internal/demo"
	"ferry.dev/ferry/internal/migrate"
)

// web is the dashboard `ferry demo --web` serves on the demo's state
// directory, with the demo's clients as its traffic source.
type web struct {
	dir  string
	feed *dashboard.Feed
	url  string
	stop func()
	done chan error
}

// startWeb serves the dashboard on addr for a demo whose state will live
// in a new temporary directory.
func startWeb(ctx context.Context, addr string) (*web, error) {
	dir, err := os.MkdirTemp("", "ferry-demo-state-")
	if err != nil {
		return nil, fmt.Errorf("creating the demo's state directory: %w", err)
	}
	w := &web{dir: dir, feed: &dashboard.Feed{}, done: make(chan error, 1)}
	local, err := dashboard.NewLocal(dir)
	if err != nil {
		return nil, err
	}
	ln, err := dashboard.Listen(addr, "")
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	srv, err := dashboard.New(dashboard.Options{Sources: []dashboard.Source{local}, Traffic: w.feed, Every: dashboardEvery})
	if err != nil {
		_ = ln.Close()
		_ = os.RemoveAll(dir)
		return nil, err
	}
	ctx, w.stop = context.WithCancel(ctx)
	w.url = ln.URL
	go func() { w.done <- srv.Serve(ctx, ln) }()
	return w, nil
}

// close stops the dashboard and removes the demo's state.
func (w *web) close() error {
	w.stop()
	err := <-w.done
	_ = os.RemoveAll(w.dir)
	return err
}

// progress feeds the dashboard the clients' counts.
func (w *web) progress(p demo.Progress) {
	sides := func(m map[string]int) map[migrate.Side]int {
		return map[migrate.Side]int{migrate.Legacy: m["legacy"], migrate.Cluster: m["cluster"]}
	}
	t := dashboard.Traffic{Failed: p.Failed, Requests: sides(p.PerSide)}
	for _, s := range p.Stages {
		t.Stages = append(t.Stages, dashboard.TrafficStage{
			Stage: s.Stage, Weights: s.Weights, StartSeconds: s.StartSeconds, Seconds: s.Seconds,
			Requests: sides(s.PerSide), Failed: s.Failed, FailedPerSide: sides(s.FailedPerSide),
			P50Ms: s.P50Ms, P99Ms: s.P99Ms,
		})
	}
	w.feed.Set(demo.Domain, t)
}

// wait keeps the dashboard up after the demo until ctx ends, so the
// final picture can be read.
func (w *web) wait(ctx context.Context, out io.Writer) {
	fmt.Fprintf(out, "the dashboard stays up at %s; Ctrl-C ends it\n", w.url)
	<-ctx.Done()
}
