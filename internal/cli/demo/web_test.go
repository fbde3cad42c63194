package demo_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"ferry.dev/ferry/internal/cli/clio"
)

// TestDemoWebRollBack runs `ferry demo --web`, rolls the migration back
// through the dashboard's API as the page's button does, and checks that
// the demo ends rolled back, keeps the page up until Ctrl-C, and exits 0:
// the operator asked for it.
func TestDemoWebRollBack(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		streams := clio.Streams{In: strings.NewReader(""), Out: io.Discard, ErrOut: pw}
		done <- ferryDemo(ctx, streams, []string{"ferry", "--web", "--web-addr", "127.0.0.1:0", "--hold", "1s", "--ttl", "1s", "--rate", "100", "--workers", "4"})
		_ = pw.Close()
	}()
	// Read stderr all the time: the demo's progress blocks on the pipe.
	lines := make(chan string, 4096)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	url := ""
	for l := range lines {
		if u, ok := strings.CutPrefix(l, "ferry demo: the dashboard is at "); ok {
			url = u
			break
		}
	}
	waitLine(t, lines, "step 1/5")
	post(t, url, "rollback")
	waitLine(t, lines, "rolled back: legacy serves 100%")
	waitLine(t, lines, "the dashboard stays up at "+url)
	if body := get(t, url+"api/snapshot", nil); !strings.Contains(body, `"stage":"rolled-back"`) {
		t.Errorf("after the demo the dashboard shows %.300s, want the rolled-back migration", body)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d, want 0 (rolled back as the operator asked)", code)
	}
}

func waitLine(t *testing.T, lines <-chan string, want string) {
	t.Helper()
	for l := range lines {
		if strings.Contains(l, want) {
			return
		}
	}
	t.Fatalf("stderr ended without %q", want)
}

func get(t *testing.T, url string, header http.Header) string {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

// post sends a command as the page does: with the CSRF token it carries.
func post(t *testing.T, url, command string) {
	t.Helper()
	_, rest, _ := strings.Cut(get(t, url, nil), `name="ferry-csrf" content="`)
	csrf, _, _ := strings.Cut(rest, `"`)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, url+"api/migrations/0/api.demo.test/"+command, nil)
	req.Header.Set("X-Ferry-CSRF", csrf)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), command+" applied") {
		t.Fatalf("POST %s = %d %s, want it applied by the running demo", command, resp.StatusCode, body)
	}
}
