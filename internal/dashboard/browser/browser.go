// Package browser starts Debian's chromium, headless, for the dashboard's
// browser tests and for `make screenshot`, driven with chromedp.
//
// The flags keep it off the network (the machines that run it have none:
// without them chromium keeps trying to reach Google's services) and able
// to run as root (--no-sandbox); each start gets a fresh profile.
package browser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"

	"github.com/chromedp/chromedp"
)

// ErrMissing means no chromium is installed; hack/deps/browser.sh installs it.
var ErrMissing = errors.New("chromium is not installed (hack/deps/browser.sh installs Debian's chromium)")

// Start launches one headless chromium whose profile lives in profileDir,
// with a window of width×height. The context it returns makes tabs
// (chromedp.NewContext); stop ends the browser.
func Start(ctx context.Context, profileDir string, width, height int) (context.Context, context.CancelFunc, error) {
	path, err := exec.LookPath("chromium")
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrMissing, err)
	}
	if err := os.MkdirAll(profileDir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("creating the browser's profile: %w", err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profileDir),
		chromedp.WindowSize(width, height),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
	}
	actx, cancel := chromedp.NewExecAllocator(ctx, opts...)
	return actx, cancel, nil
}
