// Command screenshot produces docs/img/dashboard.png: it runs `ferry demo
// --web`, opens the dashboard in Debian's chromium (the browser the tests
// use) and saves the page once the shift has reached the given cluster
// weight. Run it through `make screenshot`.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/chromedp/chromedp"

	"ferry.dev/ferry/internal/dashboard/browser"
)

func main() {
	ferry := flag.String("ferry", "bin/ferry", "the ferry binary")
	out := flag.String("out", "docs/img/dashboard.png", "where to write the PNG")
	at := flag.Int("at", 50, "take it once the cluster's weight in DNS is this percent")
	width := flag.Int("width", 1280, "the browser window's width in pixels (a phone is about 400)")
	failAt := flag.Int("fail-at", 0, "make the demo's cluster fail at this weight and take it once rolled back")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := run(ctx, *ferry, *out, shot{at: *at, width: *width, failAt: *failAt}); err != nil {
		fmt.Fprintln(os.Stderr, "screenshot:", err)
		os.Exit(1)
	}
}

// shot says when to take the picture, and of what.
type shot struct{ at, width, failAt int }

// ready waits for the moment of the picture: the weight reached, or the
// rollback done.
func (s shot) ready() chromedp.Action[chromedp.Void] {
	if s.failAt > 0 {
		return chromedp.Poll[chromedp.Void](`(document.querySelector('[data-testid="stage"]') || {}).textContent?.includes('rolled-back')`)
	}
	return chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-testid="weights"][aria-label*="cluster %d%%"]`, s.at)))
}

func run(ctx context.Context, ferry, out string, s shot) error {
	args := []string{"demo", "--web", "--web-addr", "127.0.0.1:0", "--hold", "8s"}
	if s.failAt > 0 {
		args = append(args, "--fail-at", strconv.Itoa(s.failAt))
	}
	demo := exec.CommandContext(ctx, ferry, args...)
	demo.Cancel = func() error { return demo.Process.Signal(syscall.SIGINT) }
	stderr, err := demo.StderrPipe()
	if err != nil {
		return err
	}
	if err := demo.Start(); err != nil {
		return err
	}
	defer func() { _ = demo.Process.Signal(syscall.SIGINT); _ = demo.Wait() }()
	url, err := dashboardURL(stderr)
	if err != nil {
		return err
	}
	profile, err := os.MkdirTemp("", "ferry-screenshot-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(profile) }()
	bctx, stop, err := browser.Start(ctx, profile, s.width, 900)
	if err != nil {
		return err
	}
	defer stop()
	tab, closeTab := chromedp.NewContext(bctx)
	defer closeTab()
	err = chromedp.Do(tab,
		chromedp.Navigate(url),
		s.ready(),
		chromedp.Sleep(4*time.Second), // the observed split catches up with the weight
	)
	if err != nil {
		return fmt.Errorf("driving the browser: %w", err)
	}
	png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	if err != nil {
		return fmt.Errorf("driving the browser: %w", err)
	}
	return os.WriteFile(out, png, 0o644)
}

// dashboardURL reads the demo's stderr up to the line naming the
// dashboard, then drains the rest in the background.
func dashboardURL(r io.Reader) (string, error) {
	sc := bufio.NewScanner(r)
	const prefix = "ferry demo: the dashboard is at "
	for sc.Scan() {
		if url, ok := strings.CutPrefix(sc.Text(), prefix); ok {
			go func() { _, _ = io.Copy(io.Discard, r) }()
			return url, nil
		}
	}
	return "", errors.New("ferry demo --web never printed the dashboard's address")
}
