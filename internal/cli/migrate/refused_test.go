package migrate_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/clitest"
	climigrate "ferry.dev/ferry/internal/cli/migrate"
	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/server"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/store"
)

// TestRefusedByTheDNSProvider runs the migrate commands in-process against
// ferry's real DNS server (embedded, admin API on loopback). A server URL
// that is not the admin API and a wrong token make plan and start exit 1
// naming the URL or the token file. A token broken between two runs stops
// the next start when it takes the ownership lease, before any change;
// once the token file is fixed, start carries the migration on to the end.
// (A token refused mid-run is the executor's test: it pauses with an alert.)
func TestRefusedByTheDNSProvider(t *testing.T) {
	srv, err := server.New(t.Context(), server.Config{
		Zones: []server.Zone{server.DefaultZone("crash.test")}, DataDir: t.TempDir(),
		DNSAddr: "127.0.0.1:0", AdminAddr: "127.0.0.1:0", Token: "right-token",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	domain := "api-refused.crash.test"
	err = srv.Replace(t.Context(), dns.RecordSet{Name: domain + ".", Type: dns.TypeA, TTL: 1,
		Sets: []dns.WeightedSet{{ID: "default", Weight: 1, Values: []string{"127.0.0.2"}}}}, dns.Always())
	if err != nil {
		t.Fatal(err)
	}
	port := sharedPortBackends(t)
	dir := t.TempDir()
	token := filepath.Join(dir, "dns.token")
	writeFile(t, token, "wrong-token\n")
	rightToken := writeFile(t, filepath.Join(dir, "right.token"), "right-token\n")
	spec := func(name, adminURL, token string) string {
		body := fmt.Sprintf(crashFile, adminURL, token, domain, "preview-"+domain, port, port)
		body = strings.Replace(body, "hold: 700ms", "hold: 200ms\n  promotion: manual", 1)
		return writeFile(t, filepath.Join(dir, name), body)
	}
	file, badServer := spec("ferry.yaml", srv.AdminURL(), token), spec("bad-server.yaml", srv.AdminURL()+"/dns", rightToken)

	t.Run("plan and start refuse a URL that is not the admin API", func(t *testing.T) {
		for _, verb := range []string{"plan", "start"} {
			code, msg := migrateCmd(t.Context(), "-f", badServer, verb, "api")
			want := []string{srv.AdminURL() + "/dns/v1/records/", "check migration.dns.server"}
			checkExit(t, verb, code, msg, 1, want...)
		}
	})
	t.Run("plan and start refuse a wrong token", func(t *testing.T) {
		for _, verb := range []string{"plan", "start"} {
			code, msg := migrateCmd(t.Context(), "-f", file, verb, "api")
			checkExit(t, verb, code, msg, 1, "unauthorized", "401", "check migration.dns.tokenFile")
		}
	})

	// With the right token the migration reaches the end of preview and
	// waits for promotion; it is stopped there (Ctrl-C).
	writeFile(t, token, "right-token\n")
	st := &store.File{Dir: filepath.Join(dir, ".ferry")}
	ctx, cancel := context.WithCancel(t.Context())
	stopped := runAsync(ctx, "-f", file, "start", "api")
	waitState(t, st, domain, func(s migrate.State) bool { return s.AwaitingPromotion })
	cancel()
	<-stopped

	// The token breaks while nothing runs: start is refused when it takes
	// the ownership lease, before any change, and the state is untouched.
	writeFile(t, token, "wrong-token\n")
	if code, msg := migrateCmd(t.Context(), "-f", file, "promote", "api"); code != 0 {
		t.Fatalf("promote: exit %d: %s", code, msg)
	}
	code, msg := migrateCmd(t.Context(), "-f", file, "start", "api")
	checkExit(t, "start with a broken token", code, msg, 1, "unauthorized", "401", "check migration.dns.tokenFile")
	code, msg = migrateCmd(t.Context(), "-f", file, "status", "api")
	checkExit(t, "status", code, msg, 0, "stage:     preview", "waiting:")

	// Fixed: start resumes, applies the queued promotion, and is promoted
	// step by step to the end.
	writeFile(t, token, "right-token\n")
	resumed := runAsync(t.Context(), "-f", file, "start", "api")
	promoted := map[int]bool{}
	deadline := time.After(60 * time.Second)
	for {
		select {
		case r := <-resumed:
			checkExit(t, "start after the fix", r.code, r.msg, 0, "resuming the migration", "done: legacy has drained")
			rs, err := srv.Get(t.Context(), domain+".", dns.TypeA)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(map[string]int{"cluster": 100}, rs.Weights()); d != "" {
				t.Errorf("DNS after the migration (-want +got):\n%s", d)
			}
			return
		case <-deadline:
			t.Fatal("resume did not finish the migration within 60s")
		case <-time.After(20 * time.Millisecond):
		}
		if s, err := st.Load(t.Context(), domain); err == nil && s.AwaitingPromotion && !promoted[s.Step] {
			promoted[s.Step] = true
			if _, err := st.Send(domain, s.ID(), migrate.Promote); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func writeFile(t *testing.T, path, body string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// migrateMain is "ferry migrate" alone, run as the binary runs it.
var migrateMain = clitest.Command(climigrate.NewCommand)

// migrateCmd runs "ferry migrate ARGS" in-process under ctx and returns its
// exit status and everything it wrote.
func migrateCmd(ctx context.Context, args ...string) (int, string) {
	var out, errb bytes.Buffer
	code := migrateMain(ctx, clio.Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errb}, append([]string{"ferry"}, args...))
	return code, out.String() + errb.String()
}

type result struct {
	code int
	msg  string
}

func runAsync(ctx context.Context, args ...string) <-chan result {
	ch := make(chan result, 1)
	go func() {
		code, msg := migrateCmd(ctx, args...)
		ch <- result{code, msg}
	}()
	return ch
}

func checkExit(t *testing.T, what string, code int, msg string, want int, says ...string) {
	t.Helper()
	if code != want {
		t.Errorf("%s: exit %d, want %d:\n%s", what, code, want, msg)
	}
	for _, s := range says {
		if !strings.Contains(msg, s) {
			t.Errorf("%s: output does not say %q:\n%s", what, s, msg)
		}
	}
}

func waitState(t *testing.T, st *store.File, domain string, ok func(migrate.State) bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if s, err := st.Load(t.Context(), domain); err == nil && ok(s) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the migration did not reach the expected state within 30s")
}
