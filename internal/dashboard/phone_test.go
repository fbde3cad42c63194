package dashboard_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"
)

// TestPhoneLayout opens the page as an iPhone 12 would: nothing is wider
// than the screen (wide tables scroll inside their own box), the gates
// still show their figures, and every command is a button a thumb can hit.
func TestPhoneLayout(t *testing.T) {
	f := newFixture(t, "")
	p := openPage(t, f.ts.URL+"/")
	p.do("as a phone", chromedp.Emulate(device.IPhone12), chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="gate-cluster"]`)))
	overflow, err := chromedp.Run(p.tab, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	if err != nil || overflow {
		t.Errorf("the page is wider than the phone's screen (%v)", err)
	}
	if got := p.text(`[data-testid="gate-cluster"]`); got != "✓ pass" {
		t.Errorf("cluster gate on a phone reads %q", got)
	}
	small, err := chromedp.Run(p.tab, chromedp.Evaluate[int](`[...document.querySelectorAll('button[data-command]')].filter((b) => b.getBoundingClientRect().height < 36).length`))
	if err != nil || small != 0 {
		t.Errorf("%d command buttons are shorter than 36px on a phone (%v)", small, err)
	}
}
