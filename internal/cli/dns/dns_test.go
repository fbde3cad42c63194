package dns_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	mdns "github.com/miekg/dns"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/clitest"
	clidns "ferry.dev/ferry/internal/cli/dns"
	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/server"
	"ferry.dev/ferry/internal/dns/server/servertest"
	"ferry.dev/ferry/internal/dns/server/store"
)

// run executes "ferry dns args..." in process and returns the exit status
// and both streams.
func run(ctx context.Context, args ...string) (int, string, string) {
	var errOut syncBuffer
	code, out := runWith(ctx, &errOut, args...)
	return code, out, errOut.String()
}

// syncBuffer is a bytes.Buffer a test may read while a command writes it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// runWith runs "ferry dns args..." as the ferry binary would
// (clitest.Command: clio.Execute's exit statuses and error printing),
// under ctx, writing stderr to errOut.
func runWith(ctx context.Context, errOut io.Writer, args ...string) (int, string) {
	var out bytes.Buffer
	streams := clio.Streams{In: strings.NewReader(""), Out: &out, ErrOut: errOut}
	code := clitest.Command(clidns.NewCommand)(ctx, streams, append([]string{"ferry"}, args...))
	return code, out.String()
}

func startServer(t *testing.T) (url, tokenFile string, srv *server.Server) {
	t.Helper()
	srv = servertest.Start(t, "example.test", "other.test")
	return srv.AdminURL(), servertest.TokenFile(t), srv
}

func TestSetGetDelete(t *testing.T) {
	url, tokenFile, srv := startServer(t)
	conn := []string{"--server", url, "--token-file", tokenFile}
	code, out, errOut := run(t.Context(), append([]string{"set", "API.example.test", "a", "legacy=90:127.0.0.2", "cluster=10:127.0.0.3,127.0.0.4"}, conn...)...)
	if code != 0 {
		t.Fatalf("set: exit %d: %s", code, errOut)
	}
	want := dns.RecordSet{Name: "api.example.test.", Type: "A", TTL: 30, Sets: []dns.WeightedSet{
		{ID: "legacy", Weight: 90, Values: []string{"127.0.0.2"}}, {ID: "cluster", Weight: 10, Values: []string{"127.0.0.3", "127.0.0.4"}},
	}}
	wantTable := `api.example.test. A
revision ` + want.Digest() + `
ID       WEIGHT  SHARE  VALUES               TTL
legacy   90      90.0%  127.0.0.2            30
cluster  10      10.0%  127.0.0.3,127.0.0.4  30
`
	if diff := cmp.Diff(wantTable, out); diff != "" {
		t.Errorf("set output (-want +got):\n%s", diff)
	}
	code, out, _ = run(t.Context(), append([]string{"get", "api.example.test.", "A", "-o", "json"}, conn...)...)
	var got struct {
		dns.RecordSet
		Revision string `json:"revision"`
	}
	if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil {
		t.Fatalf("get -o json: exit %d, %v: %s", code, err, out)
	}
	if diff := cmp.Diff(want, got.RecordSet); diff != "" {
		t.Errorf("get -o json (-want +got):\n%s", diff)
	}
	if got.Revision != want.Digest() {
		t.Errorf("get -o json: revision %q, want %q", got.Revision, want.Digest())
	}
	if code, out, _ = run(t.Context(), append([]string{"delete", "api.example.test", "A"}, conn...)...); code != 0 || out != "deleted api.example.test. A\n" {
		t.Errorf("delete: exit %d, %q", code, out)
	}
	if _, err := srv.Get(t.Context(), "api.example.test.", "A"); err == nil {
		t.Error("the record set is still there after delete")
	}
}

func TestList(t *testing.T) {
	url, tokenFile, srv := startServer(t)
	conn := []string{"--server", url, "--token-file", tokenFile}
	for _, rs := range []dns.RecordSet{
		{Name: "api.example.test.", Type: "A", TTL: 30, Sets: []dns.WeightedSet{
			{ID: "legacy", Weight: 90, Values: []string{"127.0.0.2"}}, {ID: "cluster", Weight: 10, Values: []string{"127.0.0.3", "127.0.0.4"}}}},
		{Name: "www.example.test.", Type: "CNAME", TTL: 300, Sets: []dns.WeightedSet{{ID: "lb", Weight: 1, Values: []string{"lb.elb.test."}}}},
		{Name: "api.other.test.", Type: "TXT", TTL: 60, Sets: []dns.WeightedSet{{ID: "note", Weight: 0, Values: []string{"hello"}}}},
	} {
		if err := srv.Replace(t.Context(), rs, dns.Always()); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := run(t.Context(), append([]string{"list"}, conn...)...)
	want := `NAME               TYPE   TTL  SETS
api.example.test.  A      30   legacy=90:127.0.0.2 cluster=10:127.0.0.3,127.0.0.4
api.other.test.    TXT    60   note=0:hello
www.example.test.  CNAME  300  lb=1:lb.elb.test.
`
	if diff := cmp.Diff(want, out); code != 0 || diff != "" {
		t.Errorf("list: exit %d %s(-want +got):\n%s", code, errOut, diff)
	}
	code, out, errOut = run(t.Context(), append([]string{"list", "--zone", "Other.Test", "-o", "json"}, conn...)...)
	var got []dns.RecordSet
	if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil {
		t.Fatalf("list -o json: exit %d, %v: %s %s", code, err, out, errOut)
	}
	if diff := cmp.Diff([]dns.RecordSet{{Name: "api.other.test.", Type: "TXT", TTL: 60,
		Sets: []dns.WeightedSet{{ID: "note", Weight: 0, Values: []string{"hello"}}}}}, got); diff != "" {
		t.Errorf("list --zone other.test -o json (-want +got):\n%s", diff)
	}
	if code, out, _ = run(t.Context(), append([]string{"list", "--zone", "nothing.test", "-o", "json"}, conn...)...); code != 0 || out != "[]\n" {
		t.Errorf("list of an empty zone: exit %d, %q, want []", code, out)
	}
	if code, _, errOut = run(t.Context(), "list", "--server", url, "--token-file", "/nonexistent"); code != 2 || !strings.Contains(errOut, "--token-file") {
		t.Errorf("list without a token: exit %d %s", code, errOut)
	}
}

func TestExitStatuses(t *testing.T) {
	url, tokenFile, srv := startServer(t)
	wrongToken := filepath.Join(t.TempDir(), "wrong")
	if err := os.WriteFile(wrongToken, []byte("nope"), 0o600); err != nil {
		t.Fatal(err)
	}
	conn := []string{"--server", url, "--token-file", tokenFile}
	cases := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{name: "weight out of range", args: append([]string{"set", "api.example.test", "A", "a=256:127.0.0.1"}, conn...), code: 2, msg: "sets[0].weight"},
		{name: "weight not a number", args: append([]string{"set", "api.example.test", "A", "a=ten:127.0.0.1"}, conn...), code: 2, msg: `weight "ten"`},
		{name: "no weight", args: append([]string{"set", "api.example.test", "A", "a=127.0.0.1"}, conn...), code: 2, msg: "no ':'"},
		{name: "outside the zone", args: append([]string{"set", "api.example.org", "A", "a=1:127.0.0.1"}, conn...), code: 2, msg: "outside the zones"},
		{name: "ttl zero", args: append([]string{"set", "api.example.test", "A", "--ttl", "0", "a=1:127.0.0.1"}, conn...), code: 2, msg: "ttl:"},
		{name: "bad set id", args: append([]string{"set", "api.example.test", "A", "a/b=1:127.0.0.1"}, conn...), code: 2, msg: "sets[0].id"},
		{name: "duplicate ids", args: append([]string{"set", "api.example.test", "A", "a=1:127.0.0.1", "a=2:127.0.0.2"}, conn...), code: 2, msg: "sets[1].id"},
		{name: "missing token file", args: []string{"get", "api.example.test", "A", "--server", url, "--token-file", "/nonexistent/token"}, code: 2, msg: "--token-file"},
		{name: "wrong token", args: []string{"get", "api.example.test", "A", "--server", url, "--token-file", wrongToken}, code: 1, msg: "refused the credentials"},
		{name: "wrong path in --server", args: []string{"get", "api.example.test", "A", "--server", url + "/dns", "--token-file", tokenFile}, code: 1, msg: url + "/dns/v1/records/api.example.test./A answered 404 without ferry's JSON error"},
		{name: "not found", args: append([]string{"get", "nothing.example.test", "A"}, conn...), code: 1, msg: "not found"},
		{name: "server down", args: []string{"get", "api.example.test", "A", "--server", "http://127.0.0.1:1", "--token-file", tokenFile}, code: 1, msg: "connection refused"},
		{name: "bad output", args: append([]string{"get", "api.example.test", "A", "-o", "yaml"}, conn...), code: 2, msg: "--output"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rev := srv.Revision()
			code, _, errOut := run(t.Context(), tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.msg) {
				t.Errorf("exit %d with %q, want %d mentioning %q", code, errOut, tc.code, tc.msg)
			}
			if srv.Revision() != rev {
				t.Error("a failed command changed the records")
			}
		})
	}
}

func TestServeGeneratesTokenAndStops(t *testing.T) {
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "secrets", "token")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	errOut, done := startServe(ctx, "--zone", "example.test", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
		"--data", filepath.Join(dir, "data"), "--token-file", tokenFile)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && !strings.Contains(errOut.String(), "serving DNS"); {
		time.Sleep(10 * time.Millisecond)
	}
	tok, err := os.ReadFile(tokenFile)
	if fi, serr := os.Stat(tokenFile); err != nil || serr != nil || fi.Mode().Perm() != 0o600 || len(strings.TrimSpace(string(tok))) != 64 {
		t.Fatalf("token file: %v %v %q", err, serr, tok)
	}
	cancel()
	code := <-done
	r := struct {
		code   int
		errOut string
	}{code, errOut.String()}
	if r.code != 0 {
		t.Fatalf("serve exit %d: %s", r.code, r.errOut)
	}
	for _, want := range []string{"generated a new admin token in " + tokenFile, "serving DNS", "stopping"} {
		if !strings.Contains(r.errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.errOut)
		}
	}
	if !regexp.MustCompile(`udp\+tcp=127\.0\.0\.1:\d+`).MatchString(r.errOut) {
		t.Errorf("stderr does not say where it serves:\n%s", r.errOut)
	}
}

func TestServeRejectsBadFlags(t *testing.T) {
	code, _, errOut := run(t.Context(), "serve", "--zone-file", "/nonexistent.zone", "--admin", "")
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	for _, want := range []string{"--zone-file", "--data: must be set"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

// TestServeRefusesZoneFilesItCannotServe: a wildcard or a CNAME beside
// other data is bad input (exit 2) named by file and line, and nothing is
// written to the data directory.
func TestServeRefusesZoneFilesItCannotServe(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{name: "wildcard", body: "* IN A 192.0.2.1\n", want: ":5: *.example.test.: wildcard"},
		{name: "CNAME beside A", body: "www IN A 192.0.2.1\nwww IN CNAME lb.elb.test.\n", want: ":6: www.example.test.: CNAME cannot sit beside A"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			zf := filepath.Join(dir, "db.example.test")
			zone := "$ORIGIN example.test.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 600 604800 60\n@ IN NS ns1\n" + tc.body
			if err := os.WriteFile(zf, []byte(zone), 0o600); err != nil {
				t.Fatal(err)
			}
			data := filepath.Join(dir, "data")
			code, _, errOut := run(t.Context(), "serve", "--zone-file", zf, "--listen", "127.0.0.1:0", "--admin", "", "--data", data)
			if code != 2 || !strings.Contains(errOut, zf+tc.want) {
				t.Errorf("exit %d, want 2 with %q:\n%s", code, zf+tc.want, errOut)
			}
			if _, err := os.Stat(data); err == nil {
				t.Error("the data directory was created for a refused zone")
			}
		})
	}
}

// TestServeRefusesADamagedLog: with r1-r5 acknowledged and one byte of r3
// damaged, serve must exit 1 naming the file and offset and leave the log
// as it is, instead of starting with r1-r2 and cutting the rest away.
func TestServeRefusesADamagedLog(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	wal := filepath.Join(data, "wal.log")
	st, err := store.Open(data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ends []int64
	for i := range 5 {
		rs := dns.RecordSet{Name: fmt.Sprintf("r%d.example.test.", i+1), Type: "A", TTL: 30,
			Sets: []dns.WeightedSet{{ID: "a", Weight: 1, Values: []string{"127.0.0.1"}}}}
		if _, err := st.Apply(t.Context(), nil, store.Op{Put: &rs}); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(wal)
		if err != nil {
			t.Fatal(err)
		}
		ends = append(ends, fi.Size())
	}
	log, err := os.ReadFile(wal)
	if err != nil {
		t.Fatal(err)
	}
	// Close writes a snapshot; undo it, so the log is the only copy, as
	// after a crash.
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(data, "snapshot.json")); err != nil {
		t.Fatal(err)
	}
	log[(ends[1]+ends[2])/2] ^= 0xFF // inside record 3
	if err := os.WriteFile(wal, log, 0o600); err != nil {
		t.Fatal(err)
	}
	// A server that starts anyway is stopped after a while, and fails the
	// test with exit 0.
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	code, _, errOut := run(ctx, "serve", "--zone", "example.test", "--listen", "127.0.0.1:0", "--admin", "",
		"--data", data)
	if code != 1 {
		t.Errorf("exit %d, want 1:\n%s", code, errOut)
	}
	for _, want := range []string{wal, fmt.Sprintf("offset %d", ends[1]), "corrupt"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if after, err := os.ReadFile(wal); err != nil || !bytes.Equal(after, log) {
		t.Errorf("the damaged log was changed (%v)", err)
	}
}

// TestServeWithNameServers: --ns sets every --zone zone's NS records and
// the SOA's MNAME, and an address given with a name is served, so a parent
// zone can delegate to ferry.
func TestServeWithNameServers(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	errOut, done := startServe(ctx, "--zone", "example.test", "--zone", "other.test", "--zone", "third.test",
		"--ns", "ns1.example.test=127.0.0.53", "--ns", "ns1.example.test=2001:db8::53", "--ns", "ns2.example.net",
		"--ns", "third.test:ns.third.test=192.0.2.99",
		"--listen", "127.0.0.1:0", "--admin", "", "--data", filepath.Join(dir, "data"))
	addrRE := regexp.MustCompile(`udp\+tcp=(127\.0\.0\.1:\d+)`)
	var addr string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && addr == ""; time.Sleep(10 * time.Millisecond) {
		if m := addrRE.FindStringSubmatch(errOut.String()); m != nil {
			addr = m[1]
		}
	}
	if addr == "" {
		t.Fatalf("serve did not start:\n%s", errOut.String())
	}
	glue := []string{"ns1.example.test.\t3600\tIN\tA\t127.0.0.53", "ns1.example.test.\t3600\tIN\tAAAA\t2001:db8::53"}
	cases := []struct {
		qname string
		qtype uint16
		want  []string
		extra []string // glue, before the OPT record
	}{
		{qname: "example.test.", qtype: mdns.TypeNS, want: []string{"example.test.\t3600\tIN\tNS\tns1.example.test.", "example.test.\t3600\tIN\tNS\tns2.example.net."}, extra: glue},
		{qname: "other.test.", qtype: mdns.TypeNS, want: []string{"other.test.\t3600\tIN\tNS\tns1.example.test.", "other.test.\t3600\tIN\tNS\tns2.example.net."}, extra: glue},
		{qname: "third.test.", qtype: mdns.TypeNS, want: []string{"third.test.\t3600\tIN\tNS\tns.third.test."},
			extra: []string{"ns.third.test.\t3600\tIN\tA\t192.0.2.99"}},
		{qname: "other.test.", qtype: mdns.TypeSOA, want: []string{"other.test.\t3600\tIN\tSOA\tns1.example.test. hostmaster.other.test. 4 3600 600 604800 60"}}, // serial 1 + three seedings
		{qname: "ns1.example.test.", qtype: mdns.TypeA, want: []string{"ns1.example.test.\t3600\tIN\tA\t127.0.0.53"}},
		{qname: "ns1.example.test.", qtype: mdns.TypeAAAA, want: []string{"ns1.example.test.\t3600\tIN\tAAAA\t2001:db8::53"}},
	}
	for _, tc := range cases {
		m := new(mdns.Msg)
		m.SetQuestion(tc.qname, tc.qtype)
		r, err := mdns.ExchangeContext(t.Context(), m, addr)
		if err != nil {
			t.Fatal(err)
		}
		var got, extra []string
		for _, rr := range r.Answer {
			got = append(got, rr.String())
		}
		for _, rr := range r.Extra {
			extra = append(extra, rr.String())
		}
		if diff := cmp.Diff(tc.want, got); diff != "" || !r.Authoritative {
			t.Errorf("%s %s: AA=%v (-want +got):\n%s", tc.qname, mdns.TypeToString[tc.qtype], r.Authoritative, diff)
		}
		if diff := cmp.Diff(tc.extra, extra); diff != "" {
			t.Errorf("%s %s: additional section (-want +got):\n%s", tc.qname, mdns.TypeToString[tc.qtype], diff)
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve exit %d:\n%s", code, errOut.String())
	}
}

func TestServeRejectsBadNameServers(t *testing.T) {
	cases := []struct {
		name string
		args []string
		msg  string
	}{
		{name: "address for a name outside the zones", args: []string{"--zone", "example.test", "--ns", "ns1.example.net=192.0.2.1"}, msg: "--ns: ns1.example.net.: an address is given"},
		{name: "not an address", args: []string{"--zone", "example.test", "--ns", "ns1.example.test=192.0.2"}, msg: `--ns: "ns1.example.test=192.0.2"`},
		{name: "not a name", args: []string{"--zone", "example.test", "--ns", "a..b"}, msg: `--ns: "a..b" is not a domain name`},
		{name: "a zone-scoped address", args: []string{"--zone", "example.test", "--ns", "ns1.example.test=fe80::1%eth0"}, msg: "no %zone"},
		{name: "a zone that is not served", args: []string{"--zone", "example.test", "--ns", "nope.test:ns1.example.test"}, msg: "the zone nope.test is not one of"},
		{name: "no --zone", args: []string{"--zone-file", "/nonexistent.zone", "--ns", "ns1.example.test"}, msg: "--ns: sets the name servers of --zone zones"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"serve", "--admin", "", "--listen", "127.0.0.1:0", "--data", t.TempDir()}, tc.args...)
			code, _, errOut := run(t.Context(), args...)
			if code != 2 || !strings.Contains(errOut, tc.msg) {
				t.Errorf("exit %d with %q, want 2 mentioning %q", code, errOut, tc.msg)
			}
		})
	}
}
