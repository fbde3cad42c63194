package demo

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/migrate/statusline"
	"ferry.dev/ferry/internal/demo"
	"ferry.dev/ferry/internal/migrate"
)

type flags struct {
	output  clio.Format
	verbose bool
	web     bool
	webAddr string
	opt     demo.Options
}

// dashboardEvery is how often the demo's dashboard reads the state: the
// demo moves in seconds.
const dashboardEvery = 500 * time.Millisecond

// NewCommand returns "ferry demo".
func NewCommand(streams clio.Streams) *cobra.Command {
	f := &flags{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run a whole zero-downtime migration on loopback and prove no request was lost",
		Long: `ferry demo starts ferry's DNS server on 127.0.0.1, a "legacy" backend on
127.0.0.2 and a "cluster" backend on 127.0.0.3, and clients that resolve
api.demo.test through the DNS server with TTL-honouring caches. Then it
migrates the domain: preview, weighted shift 1→10→25→50→100%, cutover,
drain, done (about two minutes), and prints every request per side and
stage. Nothing but the binary is needed: no file, no cluster, no root.`,
		Example: `  ferry demo
  ferry demo --fail-at 50      # the cluster fails at 50%: watch the automatic rollback
  ferry demo --hold 3s -o json
  ferry demo --web             # open the printed URL: watch the cutover, roll it back with one click
  ferry demo --prometheus http://127.0.0.1:9090 --prometheus-targets /etc/prometheus/targets/ferry-demo.json
                               # metric gates too: the backends export http_requests_total and
                               # http_request_duration_seconds, scraped as jobs api-legacy and api-cluster`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return f.run(cmd, streams) },
	}
	fl := cmd.Flags()
	fl.IntVar(&f.opt.FailAt, "fail-at", 0, "make the cluster fail when its weight reaches this percent (0: never)")
	fl.DurationVar(&f.opt.Hold, "hold", 15*time.Second, "hold of each step")
	fl.DurationVar(&f.opt.TTL, "ttl", 3*time.Second, "TTL of the demo's records")
	fl.DurationVar(&f.opt.Interval, "interval", time.Second, "gate probe interval")
	fl.IntVar(&f.opt.Rate, "rate", 800, "client requests per second, all clients together")
	fl.IntVar(&f.opt.Workers, "workers", 32, "clients, each with its own DNS cache")
	fl.StringVar(&f.opt.Prometheus, "prometheus", "", "a Prometheus that scrapes the backends' /metrics (jobs api-legacy, api-cluster): run with metric gates too")
	fl.StringVar(&f.opt.TargetsFile, "prometheus-targets", "", "write the backends as a Prometheus file_sd_configs file here")
	fl.IntVar(&f.opt.Port, "port", 0, "the backends' port on 127.0.0.2 and 127.0.0.3 (0: any free one)")
	clio.AddOutputFlag(fl, &f.output, clio.Table, clio.JSON)
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "log every decision of the migration to stderr")
	fl.BoolVar(&f.web, "web", false, "serve the dashboard on the demo (watch it, roll it back) and keep it up after the end until Ctrl-C")
	fl.StringVar(&f.webAddr, "web-addr", "127.0.0.1:7070", "address of the dashboard with --web")
	return cmd
}

func (f *flags) run(cmd *cobra.Command, streams clio.Streams) error {
	if f.opt.Rate < 1 || f.opt.Workers < 1 || f.opt.Hold <= 0 || f.opt.Interval <= 0 || f.opt.TTL < time.Second {
		return clio.Usage(errors.New("--rate and --workers must be at least 1, --hold and --interval positive, --ttl at least 1s"))
	}
	if err := f.opt.Validate(); err != nil {
		return clio.Usage(err)
	}
	ctx := cmd.Context() // ended by Ctrl-C (cmd/ferry)
	view := newView(streams.ErrOut, clio.IsTerminal(streams.ErrOut))
	f.opt.Progress = view.update
	if f.verbose {
		f.opt.Logger = slog.New(slog.NewTextHandler(view, nil))
	}
	var w *web
	if f.web {
		var err error
		if w, err = startWeb(ctx, f.webAddr); err != nil {
			return clio.Failed(err)
		}
		defer func() { _ = w.close() }()
		f.opt.StateDir = w.dir
		f.opt.Progress = func(p demo.Progress) { w.progress(p); view.update(p) }
		fmt.Fprintf(streams.ErrOut, "ferry demo: the dashboard is at %s\n", w.url)
	}
	fmt.Fprintf(streams.ErrOut, "ferry demo: migrating %s from legacy (127.0.0.2) to cluster (127.0.0.3) through ferry's DNS server\n", demo.Domain)
	if f.opt.Prometheus != "" {
		f.opt.Targets = func(t map[string]string) {
			fmt.Fprintf(streams.ErrOut, "metric gates from %s: it must scrape /metrics of job api-legacy at %s and job api-cluster at %s every 1-2s\n",
				f.opt.Prometheus, t["api-legacy"], t["api-cluster"])
		}
	}
	sum, err := demo.Run(ctx, f.opt)
	view.finish()
	if err != nil {
		return clio.Failed(err)
	}
	if err := f.print(streams.Out, sum); err != nil {
		return err
	}
	if w != nil {
		w.wait(ctx, streams.ErrOut)
	}
	return verdict(sum, f.opt.FailAt)
}

func (f *flags) print(out io.Writer, sum *demo.Summary) error {
	if f.output == clio.JSON {
		return clio.WriteJSON(out, sum)
	}
	return printSummary(out, sum)
}

// verdict fails the command when the demo did not show what it should: a
// healthy run must finish with zero failures (including one more TTL of
// load after legacy is shut down); a --fail-at run must roll back with no
// failure past the TTL after the rollback.
func verdict(sum *demo.Summary, failAt int) error {
	switch {
	case sum.Reason == migrate.ReasonOperatorRollback || sum.Result == string(migrate.StageAborted):
		return nil // the operator stopped it (from the dashboard): as asked
	case failAt > 0 && sum.Result != "rolled-back":
		return clio.Failed(fmt.Errorf("the cluster failed at %d%% but the migration ended %s", failAt, sum.Result))
	case failAt == 0 && sum.Result != "done":
		return clio.Failed(fmt.Errorf("the migration ended %s: %s", sum.Result, sum.Reason))
	case failAt == 0 && sum.Failed > 0:
		return clio.Failed(fmt.Errorf("%d of %d client requests failed", sum.Failed, sum.Requests))
	case failAt > 0 && sum.LateFailures > 0:
		return clio.Failed(fmt.Errorf("%d client requests failed on DNS answers fetched after the rollback or kept past their TTL", sum.LateFailures))
	}
	return nil
}

// view draws progress on stderr: a live status line on a terminal, plain
// lines otherwise. Progress comes from several goroutines; statusline.Line
// serialises the writes.
type view struct{ line *statusline.Line }

func newView(w io.Writer, terminal bool) *view {
	l := statusline.New(w, terminal)
	l.Plain = 5 * time.Second
	return &view{line: l}
}

// Write lets the verbose logger share the terminal with the status line.
func (v *view) Write(p []byte) (int, error) { return v.line.Write(p) }

func (v *view) update(p demo.Progress) {
	if p.Event != nil {
		v.line.Println(fmt.Sprintf("[%6.1fs] %s", p.Elapsed.Seconds(), p.Event.Message))
		if !v.line.Terminal() {
			return
		}
	}
	v.line.Status(statusLine(p))
}

func (v *view) finish() { v.line.Finish() }

// statusLine puts what matters most first, since a narrow terminal cuts
// the end: stage, weights, failures, then each side's gate and requests.
func statusLine(p demo.Progress) string {
	s := p.State
	line := fmt.Sprintf("[%6.1fs] %-8s %3d/%-3d %d failed of %d",
		p.Elapsed.Seconds(), s.Stage, s.Weights.Legacy, s.Weights.Cluster, p.Failed, p.Requests)
	for _, side := range []string{"cluster", "legacy"} {
		h, ok := s.Health[migrateSide(side)]
		if !ok {
			continue
		}
		line += fmt.Sprintf(" | %s %d %s", side, p.PerSide[side], h.Status)
		if h.SuccessRatio < 1 {
			line += fmt.Sprintf(" %.2f", h.SuccessRatio)
		}
		line += " " + h.P99.Round(100*time.Microsecond).String()
	}
	return line
}
