package dashboard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	mdns "github.com/miekg/dns"

	"ferry.dev/ferry/internal/dashboard"
	"ferry.dev/ferry/internal/dashboard/browser"
	"ferry.dev/ferry/internal/demo"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/store"
	"ferry.dev/ferry/internal/testcluster"
)

// chromium is the package's one browser, started by TestMain.
var chromium context.Context

// TestMain starts one headless chromium for every browser test of the
// package. A machine without it fails the tests (hack/deps/browser.sh
// installs it): they are never skipped. The deploy test's control plane
// starts on first use and stops after the tests (testcluster.Main).
func TestMain(m *testing.M) {
	profile, err := os.MkdirTemp("", "ferry-dashboard-browser-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx, stop, err := browser.Start(context.Background(), profile, 1280, 1000)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	chromium = ctx
	code := testcluster.Main(m)
	stop()
	_ = os.RemoveAll(profile)
	os.Exit(code)
}

// page is one browser tab on the dashboard that saves a screenshot at
// every checkpoint; their paths are printed when the test fails.
type page struct {
	t     *testing.T
	tab   context.Context
	dir   string
	shots []string
}

func openPage(t *testing.T, url string) *page {
	t.Helper()
	dir, err := os.MkdirTemp("", "ferry-dashboard-shots-")
	if err != nil {
		t.Fatal(err)
	}
	// The bound only keeps a broken page from hanging the suite.
	ctx, cancel := context.WithTimeout(chromium, 90*time.Second)
	tab, closeTab := chromedp.NewContext(ctx)
	p := &page{t: t, tab: tab, dir: dir}
	t.Cleanup(func() {
		closeTab()
		cancel()
		if t.Failed() {
			t.Logf("screenshots: %s", strings.Join(p.shots, " "))
			return
		}
		_ = os.RemoveAll(dir)
	})
	p.do("load", chromedp.Navigate(url))
	return p
}

// do runs actions, then saves a screenshot named after the checkpoint.
func (p *page) do(checkpoint string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	err := chromedp.Do(p.tab, actions...)
	if png, serr := chromedp.Run(p.tab, chromedp.FullScreenshot(90)); serr == nil {
		path := filepath.Join(p.dir, fmt.Sprintf("%02d-%s.jpg", len(p.shots), checkpoint))
		if os.WriteFile(path, png, 0o644) == nil {
			p.shots = append(p.shots, path)
		}
	}
	if err != nil {
		p.t.Fatalf("%s: %v", checkpoint, err)
	}
}

// text is the text of the element sel selects, read in one step in the
// page: the page redraws on every update, so a node found in one call may
// be gone by the next.
func (p *page) text(sel string) string {
	p.t.Helper()
	q, _ := json.Marshal(sel) // a string always encodes
	s, err := chromedp.Run(p.tab, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%s)?.textContent ?? null`, q)))
	if err != nil {
		p.t.Fatalf("reading %s: %v", sel, err)
	}
	return s
}

// TestBrowserWatchAndRollBack runs a real migration on loopback (the
// demo: ferry's DNS server, two backends, clients), opens the dashboard
// in chromium and checks what a person would: the weights move, the gates
// show figures, an action the stage does not allow is disabled with its
// reason, and rollback, once confirmed, puts legacy back to 100% in DNS.
func TestBrowserWatchAndRollBack(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stateDir := t.TempDir()
	feed := &dashboard.Feed{}
	ready := make(chan demo.Ready, 1)
	result := make(chan *demo.Summary, 1)
	opened := make(chan struct{})
	// DNS is asked while the demo still runs its server: when the
	// rolled-back state is saved (the demo stops soon after).
	var dnsAddr string
	inDNS := make(chan error, 1)
	// The migration's timeline as saved, printed when the test fails: a
	// page that waits in vain says nothing of why the migration went
	// elsewhere.
	t.Cleanup(func() {
		if t.Failed() {
			logTimeline(t, stateDir)
		}
	})
	progress := func(p demo.Progress) {
		feed.Set(demo.Domain, traffic(p))
		if p.Event != nil && p.State.Stage == migrate.StageRolledBack {
			inDNS <- legacyOnly(ctx, dnsAddr)
		}
	}
	go func() {
		// A 2 s p99: the page, not latency, is under test, and on a loaded
		// machine loopback probes pass the 200 ms default now and then.
		// The migration starts once Ready returns, which waits for the
		// page: a page that loaded late on a loaded machine missed the 1%
		// step altogether.
		sum, err := demo.Run(ctx, demo.Options{
			Hold: 5 * time.Second, TTL: time.Second, Rate: 150, Workers: 6, Interval: 500 * time.Millisecond, P99Latency: 2 * time.Second,
			StateDir: stateDir, Ready: func(r demo.Ready) {
				dnsAddr = r.DNSAddr
				ready <- r
				select {
				case <-opened:
				case <-ctx.Done():
				}
			},
			Progress: progress,
		})
		if err != nil {
			t.Errorf("demo: %v", err)
		}
		result <- sum
	}()
	url := serve(ctx, t, stateDir, feed)
	<-ready
	p := openPage(t, url)
	close(opened)

	weights := func(c int) string { return fmt.Sprintf(`[data-testid="weights"][aria-label$="cluster %d%%"]`, c) }
	p.do("weights at 1%", chromedp.WaitVisible(chromedp.CSS(weights(1))))
	p.do("weights at 10%", chromedp.WaitVisible(chromedp.CSS(weights(10))))
	if got := p.text(`[data-testid="gate-cluster"]`); got != "✓ pass" {
		t.Errorf("cluster gate shows %q, want ✓ pass", got)
	}
	if got := p.text(`[data-testid="n-cluster"]`); strings.HasPrefix(got, "0 ") || !strings.Contains(got, "(≥ 3)") {
		t.Errorf("cluster probes show %q, want a count of probes against the minimum 3", got)
	}
	p.do("resume disabled", chromedp.WaitVisible(chromedp.CSS(`button[data-command="resume"][disabled][aria-describedby]`)))
	if got := p.text(`button[data-command="resume"] + small`); got != "the migration is not paused and waits for nobody" {
		t.Errorf("resume's reason reads %q", got)
	}
	// By keyboard alone: Enter on abort opens the confirmation with
	// Cancel focused, and Enter again closes it with nothing sent.
	p.do("abort asks first",
		chromedp.Focus(chromedp.CSS(`button[data-command="abort"]`)),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`#confirm[open]`)))
	if focused, err := chromedp.Run(p.tab, chromedp.Evaluate[string](`document.activeElement.id`)); err != nil || focused != "confirm-cancel" {
		t.Errorf("the dialog opened with %q focused (%v), want confirm-cancel", focused, err)
	}
	p.do("abort cancelled",
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitNotVisible(chromedp.CSS(`#confirm`)))
	if got := p.text(`[data-testid="stage"]`); strings.Contains(got, "aborted") {
		t.Fatalf("stage %q after cancelling the abort", got)
	}
	p.do("confirm rollback",
		chromedp.Click(chromedp.CSS(`button[data-command="rollback"]:not([disabled])`)),
		chromedp.WaitVisible(chromedp.CSS(`#confirm[open] #confirm-ok`)))
	p.do("rolled back",
		chromedp.Click(chromedp.CSS(`#confirm-ok`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="stage"]`)),
		chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid="stage"]').textContent.includes('rolled-back')`))
	if got := p.text(`[data-testid="weights"]`); !strings.Contains(got, "legacy 100%") {
		t.Errorf("after the rollback the weights read %q, want legacy 100%%", got)
	}
	if err := <-inDNS; err != nil {
		t.Errorf("after the rollback: %v", err)
	}
	if sum := <-result; sum != nil && (sum.Result != string(migrate.StageRolledBack) || sum.Reason != migrate.ReasonOperatorRollback) {
		t.Errorf("demo ended %s (%s), want rolled back by the operator", sum.Result, sum.Reason)
	}
}

// logTimeline logs the timeline of the demo's migration saved in stateDir.
func logTimeline(t *testing.T, stateDir string) {
	st, err := store.NewFile(stateDir)
	var s migrate.State
	if err == nil {
		s, err = st.Load(context.Background(), demo.Domain) // t.Context() has ended
	}
	if err != nil {
		t.Logf("reading the demo's timeline: %v", err)
		return
	}
	var b strings.Builder
	for _, ev := range s.Timeline {
		fmt.Fprintf(&b, "\n%s %s %s: %s", ev.At.Format("15:04:05.0"), ev.Kind, ev.Stage, ev.Message)
	}
	t.Logf("the demo's timeline:%s", b.String())
}

// serve runs the dashboard on loopback for the test and returns its URL.
func serve(ctx context.Context, t *testing.T, stateDir string, feed *dashboard.Feed) string {
	t.Helper()
	local, err := dashboard.NewLocal(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := dashboard.New(dashboard.Options{Sources: []dashboard.Source{local}, Traffic: feed, Every: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := dashboard.Listen("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ctx, ln) }()
	return ln.URL
}

// legacyOnly asks the demo's DNS server, over UDP, for the domain again
// and again: weighted answers are drawn per query, so twenty answers of
// legacy alone mean its weight is 100%.
func legacyOnly(ctx context.Context, addr string) error {
	c := &mdns.Client{Net: "udp"}
	for range 20 {
		q := new(mdns.Msg)
		q.SetQuestion(demo.Domain+".", mdns.TypeA)
		in, _, err := c.ExchangeContext(ctx, q, addr)
		if err != nil {
			return fmt.Errorf("querying %s: %w", addr, err)
		}
		if len(in.Answer) != 1 || !strings.Contains(in.Answer[0].String(), "127.0.0.2") {
			return fmt.Errorf("DNS answers %v, want legacy 127.0.0.2 alone", in.Answer)
		}
	}
	return nil
}

func traffic(p demo.Progress) dashboard.Traffic {
	return dashboard.Traffic{Failed: p.Failed, Requests: map[migrate.Side]int{
		migrate.Legacy: p.PerSide["legacy"], migrate.Cluster: p.PerSide["cluster"],
	}}
}
