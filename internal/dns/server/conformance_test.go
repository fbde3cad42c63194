package server_test

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	mdns "github.com/miekg/dns"
)

// foreignClient is a DNS client program from Debian (see hack/deps/dns.sh).
type foreignClient struct {
	prog string
	args func(host, port, transport string, edns bool) []string
}

var foreignClients = []foreignClient{
	{prog: "dig", args: func(host, port, transport string, edns bool) []string {
		return append([]string{"@" + host, "-p", port, "+norec", "+tries=1", "+time=5", flag(edns, "+edns=0", "+noedns")}, transportFlag(transport)...)
	}},
	{prog: "kdig", args: func(host, port, transport string, edns bool) []string {
		return append([]string{"@" + host, "-p", port, "+norec", "+retry=0", "+time=5", flag(edns, "+edns=0", "+noedns")}, transportFlag(transport)...)
	}},
}

func flag(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

// transportFlag is "udp" (UDP only), "tcp", or "auto" (UDP, then TCP when
// the answer is truncated: the clients' default).
func transportFlag(transport string) []string {
	switch transport {
	case "udp":
		return []string{"+notcp", "+ignore"}
	case "tcp":
		return []string{"+tcp"}
	}
	return nil
}

// needProgram finds prog. A missing client is a failure (make test
// installs both), so conformance is never silently untested; only -short
// runs may go without it.
func needProgram(t *testing.T, prog string) string {
	t.Helper()
	path, err := exec.LookPath(prog)
	if err == nil {
		return path
	}
	if testing.Short() {
		t.Skipf("%s is missing (-short); hack/deps/dns.sh installs it", prog)
	}
	t.Fatalf("%s is missing; hack/deps/dns.sh installs it", prog)
	return ""
}

// TestMissingClientsFail runs the conformance test in a child process that
// cannot find dig or kdig: it must fail, in CI or not; only -short skips.
func TestMissingClientsFail(t *testing.T) {
	cases := []struct {
		name  string
		short bool
		fail  bool
	}{{"full", false, true}, {"short", true, false}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"-test.run=^TestForeignClientsFollowTruncation$", "-test.v"}
			if tc.short {
				args = append(args, "-test.short")
			}
			cmd := exec.CommandContext(t.Context(), os.Args[0], args...)
			cmd.Env = append(os.Environ(), "PATH="+t.TempDir())
			out, err := cmd.CombinedOutput()
			if failed := err != nil; failed != tc.fail {
				t.Errorf("child failed=%v (%v), want %v:\n%s", failed, err, tc.fail, out)
			}
			if want := "dig is missing"; !strings.Contains(string(out), want) {
				t.Errorf("child output lacks %q:\n%s", want, out)
			}
		})
	}
}

func TestForeignClients(t *testing.T) {
	srv := startServer(t, t.TempDir())
	addAPIRecords(t, srv)
	cases := queryCases(t, srv.Revision())
	host, port, err := net.SplitHostPort(srv.DNSAddr())
	if err != nil {
		t.Fatal(err)
	}
	for _, fc := range foreignClients {
		t.Run(fc.prog, func(t *testing.T) {
			path := needProgram(t, fc.prog)
			for _, transport := range []string{"udp", "tcp"} {
				for _, edns := range []bool{false, true} {
					for _, tc := range cases {
						t.Run(fmt.Sprintf("%s/edns=%v/%s", transport, edns, tc.name), func(t *testing.T) {
							args := append(fc.args(host, port, transport, edns), tc.qname, mdns.TypeToString[tc.qtype])
							got := runClient(t, path, args)
							// kdig lower-cases the names it sends; the echo of the
							// question's case is checked with miekg/dns in TestQueries.
							want := parsedAnswer{Status: mdns.RcodeToString[tc.rcode], AA: tc.aa, Answer: lower(tc.answer), Authority: lower(tc.ns)}
							if diff := cmp.Diff(want, got); diff != "" {
								t.Errorf("%s %s (-want +got):\n%s", fc.prog, strings.Join(args, " "), diff)
							}
						})
					}
				}
			}
		})
	}
}

// TestForeignClientsFollowTruncation checks dig's and kdig's own fallback:
// the UDP answer is truncated and they fetch the whole one over TCP.
func TestForeignClientsFollowTruncation(t *testing.T) {
	srv := startServer(t, t.TempDir())
	set(t, srv, bigTXT())
	host, port, err := net.SplitHostPort(srv.DNSAddr())
	if err != nil {
		t.Fatal(err)
	}
	for _, fc := range foreignClients {
		t.Run(fc.prog, func(t *testing.T) {
			path := needProgram(t, fc.prog)
			args := append(fc.args(host, port, "auto", true), "big.example.test.", "TXT")
			if got := runClient(t, path, append(fc.args(host, port, "udp", true), "big.example.test.", "TXT")); len(got.Answer) != 0 {
				t.Errorf("%s over UDP only: %d answers, want none (truncated)", fc.prog, len(got.Answer))
			}
			if got := runClient(t, path, args); len(got.Answer) != 30 {
				t.Errorf("%s after truncation: %d answers, want 30", fc.prog, len(got.Answer))
			}
		})
	}
}

func lower(rrs []string) []string {
	out := []string{}
	for _, r := range rrs {
		out = append(out, strings.ToLower(r))
	}
	return out
}

// parsedAnswer is what both dig and kdig print, normalised.
type parsedAnswer struct {
	Status    string
	AA        bool
	Answer    []string
	Authority []string
}

var (
	statusRE = regexp.MustCompile(`status: ([A-Z]+)`)
	flagsRE  = regexp.MustCompile(`(?i);; flags: ([a-z ]*);`)
)

func runClient(t *testing.T, path string, args []string) parsedAnswer {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), path, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", path, args, err, out)
	}
	var p parsedAnswer
	p.Answer, p.Authority = []string{}, []string{}
	var section *[]string
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if m := statusRE.FindStringSubmatch(line); m != nil {
			p.Status = m[1]
		}
		if m := flagsRE.FindStringSubmatch(line); m != nil {
			p.AA = strings.Contains(" "+m[1]+" ", " aa ")
		}
		switch {
		case line == ";; ANSWER SECTION:":
			section = &p.Answer
		case line == ";; AUTHORITY SECTION:":
			section = &p.Authority
		case line == "" || strings.HasPrefix(line, ";"):
			if line == "" {
				section = nil
			}
		case section != nil:
			rr, err := mdns.NewRR(line)
			if err != nil {
				t.Fatalf("%s printed a record that does not parse: %q: %v", path, line, err)
			}
			*section = append(*section, strings.ToLower(rr.String()))
		}
	}
	return p
}
