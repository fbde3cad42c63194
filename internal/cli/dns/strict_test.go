package dns_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	mdns "github.com/miekg/dns"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/server"
	"ferry.dev/ferry/internal/dns/server/servertest"
	"ferry.dev/ferry/internal/dns/server/store"
)

// startServe runs "ferry dns serve args..." in the background until ctx
// ends; done receives its exit status.
func startServe(ctx context.Context, args ...string) (errOut *syncBuffer, done <-chan int) {
	errOut = &syncBuffer{}
	ch := make(chan int, 1)
	go func() {
		code, _ := runWith(ctx, errOut, append([]string{"serve"}, args...)...)
		ch <- code
	}()
	return errOut, ch
}

// serveUntilReady runs "ferry dns serve args..." until it says it serves
// (then stops it) or exits on its own, and returns its exit status and
// stderr.
func serveUntilReady(t *testing.T, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	errOut, done := startServe(ctx, args...)
	for {
		select {
		case code := <-done:
			return code, errOut.String()
		case <-time.After(10 * time.Millisecond):
			if strings.Contains(errOut.String(), "serving DNS") {
				cancel()
				return <-done, errOut.String()
			}
		}
	}
}

func writeToken(t *testing.T, content string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // past the umask
		t.Fatal(err)
	}
	return path
}

// TestServeRefusesLooseSettings: every setting that would weaken the
// admin API or give a zone two truths is bad input (exit 2), named.
func TestServeRefusesLooseSettings(t *testing.T) {
	good := writeToken(t, servertest.Token+"\n", 0o600)
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{name: "admin on every interface without TLS", args: []string{"--admin", "0.0.0.0:0", "--token-file", good}, code: 2, want: "--insecure-admin"},
		{name: "admin on every interface, insecure on purpose", args: []string{"--admin", "0.0.0.0:0", "--token-file", good, "--insecure-admin"}, code: 0, want: "serving DNS"},
		{name: "a certificate without its key", args: []string{"--admin", "0.0.0.0:0", "--token-file", good, "--admin-cert", "c.pem"}, code: 2, want: "--admin-key"},
		{name: "token file readable by others", args: []string{"--admin", "127.0.0.1:0", "--token-file", writeToken(t, servertest.Token+"\n", 0o644)}, code: 2, want: "chmod 600"},
		{name: "token shorter than 16 bytes", args: []string{"--admin", "127.0.0.1:0", "--token-file", writeToken(t, "short\n", 0o600)}, code: 2, want: "shorter than the 16"},
		{name: "token file of two lines", args: []string{"--admin", "127.0.0.1:0", "--token-file", writeToken(t, servertest.Token+"\nsecond-line-here\n", 0o600)}, code: 2, want: "more than one line"},
		{name: "a zone given twice", args: []string{"--admin", "", "--zone", "Example.Test."}, code: 2, want: "example.test. is given twice"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--zone", "example.test", "--listen", "127.0.0.1:0", "--data", filepath.Join(t.TempDir(), "data")}, tc.args...)
			code, errOut := serveUntilReady(t, args...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, want %d saying %q:\n%s", code, tc.code, tc.want, errOut)
			}
		})
	}
}

// TestListAndGetEscapeControlCharacters: a store written before values
// were canonical holds a TXT value with a terminal escape sequence; list
// and get print it escaped, never raw.
func TestListAndGetEscapeControlCharacters(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	old := dns.RecordSet{Name: "esc.example.test.", Type: "TXT", TTL: 30,
		Sets: []dns.WeightedSet{{ID: "a", Weight: 1, Values: []string{"\x1b[31mred\nFORGED LINE"}}}}
	if _, err := st.Apply(t.Context(), nil, store.Op{Put: &old}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	srv := servertest.Run(t, server.Config{Zones: []server.Zone{server.DefaultZone("example.test")}, DataDir: dir})
	conn := []string{"--server", srv.AdminURL(), "--token-file", servertest.TokenFile(t)}
	for _, args := range [][]string{{"list"}, {"get", "esc.example.test", "TXT"}} {
		code, out, errOut := run(t.Context(), append(args, conn...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		if strings.ContainsAny(out, "\x1b") || strings.Contains(out, "\nFORGED") || !strings.Contains(out, `\027[31mred\010FORGED LINE`) {
			t.Errorf("%v printed the value unescaped:\n%q", args, out)
		}
	}
}

// TestServeRefusesADamagedSnapshot: a snapshot changed on disk (here into
// valid JSON with another address) fails its checksum, and serve exits 1
// naming it instead of serving the changed data.
func TestServeRefusesADamagedSnapshot(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	st, err := store.Open(data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rs := dns.RecordSet{Name: "api.example.test.", Type: "A", TTL: 30, Sets: []dns.WeightedSet{{ID: "a", Weight: 1, Values: []string{"192.0.2.1"}}}}
	if _, err := st.Apply(t.Context(), nil, store.Op{Put: &rs}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil { // writes the snapshot
		t.Fatal(err)
	}
	snap := filepath.Join(data, "snapshot.json")
	b, err := os.ReadFile(snap)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(snap, []byte(strings.Replace(string(b), "192.0.2.1", "192.0.2.6", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	code, errOut := serveUntilReady(t, "--zone", "example.test", "--listen", "127.0.0.1:0", "--admin", "", "--data", data)
	if code != 1 || !strings.Contains(errOut, snap) || !strings.Contains(errOut, "checksum") {
		t.Errorf("exit %d, want 1 naming %s and its checksum:\n%s", code, snap, errOut)
	}
}

// TestServeASecondary: the two-server set-up of docs/dns.md — a primary
// and "ferry dns serve --replicate-from" — answers a record set on the
// primary from the secondary, and refuses a change sent to it.
func TestServeASecondary(t *testing.T) {
	primary := servertest.Start(t, "example.test")
	tokenFile := servertest.TokenFile(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	errOut, done := startServe(ctx, "--zone", "example.test", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
		"--data", filepath.Join(t.TempDir(), "data"), "--token-file", tokenFile, "--replicate-from", primary.AdminURL())
	addrRE := regexp.MustCompile(`udp\+tcp=(\S+) admin=(\S+)`)
	var m []string
	for m == nil {
		select {
		case code := <-done:
			t.Fatalf("the secondary exited %d:\n%s", code, errOut.String())
		case <-time.After(10 * time.Millisecond):
			m = addrRE.FindStringSubmatch(errOut.String())
		}
	}
	code, _, errOut2 := run(t.Context(), "set", "api.example.test", "A", "legacy=10:192.0.2.1", "cluster=90:192.0.2.2",
		"--server", primary.AdminURL(), "--token-file", tokenFile)
	if code != 0 {
		t.Fatalf("set on the primary: exit %d: %s", code, errOut2)
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		r, err := mdns.Exchange(question("api.example.test.", mdns.TypeA), m[1])
		if err == nil && len(r.Answer) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the secondary never answered api.example.test A: %v %v", r, err)
		}
	}
	code, _, errOut2 = run(t.Context(), "set", "api.example.test", "A", "legacy=100:192.0.2.1", "--server", m[2], "--token-file", tokenFile)
	if code != 1 || !strings.Contains(errOut2, "send changes there") {
		t.Errorf("set on the secondary: exit %d, want 1 naming the primary:\n%s", code, errOut2)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("secondary exit %d:\n%s", code, errOut.String())
	}
}

func question(name string, qtype uint16) *mdns.Msg {
	m := new(mdns.Msg)
	m.SetQuestion(name, qtype)
	return m
}
