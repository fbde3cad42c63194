package dashboard_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/clitest"
	"ferry.dev/ferry/internal/cli/dashboard"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/migratetest"
	"ferry.dev/ferry/internal/migrate/store"
)

// execute runs "ferry dashboard ARGS" in process, as the binary would,
// with its stderr going to errOut as it is written.
func execute(ctx context.Context, errOut io.Writer, args ...string) int {
	streams := clio.Streams{In: strings.NewReader(""), Out: io.Discard, ErrOut: errOut}
	return clitest.Command(dashboard.NewCommand)(ctx, streams, append([]string{"ferry"}, args...))
}

func TestBadFlagsAreUsageErrors(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty.token")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"--token-file", empty},
		{"--token-file", filepath.Join(t.TempDir(), "missing")},
		{"--state-dir", ""},
		{"--deploys", "--kubeconfig", filepath.Join(t.TempDir(), "no-kubeconfig")},
		{"extra-argument"},
	} {
		if code := execute(t.Context(), io.Discard, args...); code != clio.ExitUsage {
			t.Errorf("ferry dashboard %q: exit %d, want %d", args, code, clio.ExitUsage)
		}
	}
}

// TestServesStateDirectory runs the command on a state directory holding
// a migration, reads the address it prints and fetches the snapshot; the
// command ends cleanly when its context does (Ctrl-C).
func TestServesStateDirectory(t *testing.T) {
	dir := t.TempDir()
	st, err := store.NewFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := migrate.Step(migrate.NewState(migratetest.Config("api.example.test", "192.0.2.1", "192.0.2.2")), migrate.Start{Now: time.Now()})
	if err := st.Save(t.Context(), s); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() { done <- execute(ctx, pw, "--state-dir", dir, "--addr", "127.0.0.1:0"); _ = pw.Close() }()
	line, err := bufio.NewReader(pr).ReadString('\n')
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "ferry dashboard: ")
	url, _, _ = strings.Cut(url, " ")
	if err != nil || !ok {
		t.Fatalf("first line %q (%v), want the dashboard's address", line, err)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, url+"api/snapshot", nil)
	var body []byte
	for !strings.Contains(string(body), `"domain":"api.example.test"`) { // until the first poll
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ = io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d after Ctrl-C, want 0", code)
	}
}
