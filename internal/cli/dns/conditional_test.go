package dns_test

import (
	"strings"
	"testing"

	"ferry.dev/ferry/internal/dns"
)

// TestIfMatch: set and delete change only the revision given, and a stale
// one fails (exit 1) showing what is there now with its revision.
func TestIfMatch(t *testing.T) {
	url, tokenFile, srv := startServer(t)
	conn := []string{"--server", url, "--token-file", tokenFile}
	read := dns.RecordSet{Name: "api.example.test.", Type: "A", TTL: 30, Sets: []dns.WeightedSet{{ID: "legacy", Weight: 100, Values: []string{"127.0.0.2"}}}}
	emergency := dns.RecordSet{Name: "api.example.test.", Type: "A", TTL: 30, Sets: []dns.WeightedSet{{ID: "legacy", Weight: 1, Values: []string{"127.0.0.9"}}}}
	if err := srv.Replace(t.Context(), read, dns.Always()); err != nil {
		t.Fatal(err)
	}
	args := func(a ...string) []string { return append(a, conn...) }
	if code, _, errOut := run(t.Context(), args("set", "api.example.test", "A", "legacy=1:127.0.0.9", "--if-match", read.Digest())...); code != 0 {
		t.Fatalf("set --if-match with the current revision: exit %d: %s", code, errOut)
	}
	cases := []struct {
		name string
		args []string
		code int
		msg  []string
	}{
		{name: "set, stale", args: args("set", "api.example.test", "A", "legacy=50:127.0.0.2", "cluster=50:127.0.0.3", "--if-match", read.Digest()),
			code: 1, msg: []string{"changed underneath", "what is there now:", "revision " + emergency.Digest(), "127.0.0.9"}},
		{name: "delete, stale", args: args("delete", "api.example.test", "A", "--if-match", `"`+read.Digest()+`"`),
			code: 1, msg: []string{"changed underneath", "revision " + emergency.Digest()}},
		{name: "not a revision", args: args("set", "api.example.test", "A", "legacy=1:127.0.0.2", "--if-match", "abc"), code: 2, msg: []string{"--if-match: want the 64"}},
		{name: "upper-case revision", args: args("delete", "api.example.test", "A", "--if-match", strings.ToUpper(read.Digest())), code: 2, msg: []string{"--if-match"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rev := srv.Revision()
			code, _, errOut := run(t.Context(), tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d: %s", code, tc.code, errOut)
			}
			for _, m := range tc.msg {
				if !strings.Contains(errOut, m) {
					t.Errorf("stderr lacks %q:\n%s", m, errOut)
				}
			}
			if srv.Revision() != rev {
				t.Error("a refused command changed the records")
			}
		})
	}
	if code, out, errOut := run(t.Context(), args("delete", "api.example.test", "A", "--if-match", emergency.Digest())...); code != 0 || out != "deleted api.example.test. A\n" {
		t.Errorf("delete --if-match with the current revision: exit %d %q %s", code, out, errOut)
	}
	if code, _, errOut := run(t.Context(), args("set", "api.example.test", "A", "legacy=1:127.0.0.2", "--if-match", emergency.Digest())...); code != 1 ||
		!strings.Contains(errOut, "there is no such record set now") {
		t.Errorf("set --if-match on a deleted record: exit %d: %s", code, errOut)
	}
}
