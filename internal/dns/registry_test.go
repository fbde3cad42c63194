package dns_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/dns"
)

func TestReadToken(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, content string
		want          string // "" : refused
		msg           string
	}{
		{name: "one line", content: "s3cret\n", want: "s3cret"},
		{name: "no newline", content: "s3cret", want: "s3cret"},
		{name: "CRLF", content: "s3cret\r\n", want: "s3cret"},
		{name: "empty", content: "", msg: "is empty"},
		{name: "only a newline", content: "\n", msg: "is empty"},
		{name: "two lines", content: "s3cret\nother\n", msg: "more than one line"},
		{name: "a blank line after", content: "s3cret\n\n", msg: "more than one line"},
		{name: "a space at the end", content: "s3cret \n", msg: "space"},
		{name: "a tab in front", content: "\ts3cret\n", msg: "control character"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := dns.ReadToken(path)
			if tc.want != "" {
				if err != nil || got != tc.want {
					t.Errorf("ReadToken = %q, %v; want %q", got, err, tc.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.msg) || !strings.Contains(err.Error(), path) {
				t.Errorf("ReadToken = %q, %v; want an error naming %s and %q", got, err, path, tc.msg)
			}
		})
	}
	missing := filepath.Join(dir, "missing")
	if _, err := dns.ReadToken(missing); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("a missing file: %v, want ErrNotExist naming the path", err)
	}
}

// A token read from elsewhere (a Secret) is checked as a file's is, and
// the error names where it came from, never the token.
func TestCheckTokenNamesTheSourceNotTheToken(t *testing.T) {
	if got, err := dns.CheckToken("s3cret\r\n", "Secret shop/dns key token"); err != nil || got != "s3cret" {
		t.Errorf("got %q, %v", got, err)
	}
	_, err := dns.CheckToken("s3cret\nline two", "Secret shop/dns key token")
	if err == nil || !strings.Contains(err.Error(), "Secret shop/dns key token") || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error %v: want the source named and the token left out", err)
	}
}

func TestSettingsTokenPath(t *testing.T) {
	cases := []struct {
		s    dns.Settings
		want string
	}{
		{s: dns.Settings{TokenFile: "dns.token", BaseDir: "/etc/ferry"}, want: "/etc/ferry/dns.token"},
		{s: dns.Settings{TokenFile: "/abs/dns.token", BaseDir: "/etc/ferry"}, want: "/abs/dns.token"},
		{s: dns.Settings{TokenFile: "dns.token"}, want: "dns.token"},
		{s: dns.Settings{BaseDir: "/etc/ferry"}, want: ""},
	}
	for _, tc := range cases {
		if got := tc.s.TokenPath(); got != tc.want {
			t.Errorf("%+v: TokenPath() = %q, want %q", tc.s, got, tc.want)
		}
	}
}

func TestRegistry(t *testing.T) {
	rec := dns.NewRecorder()
	var got dns.Settings
	r := dns.Registry{
		"zeta": func(context.Context, dns.Settings) (dns.Provider, error) { return nil, errors.New("unused") },
		"alpha": func(_ context.Context, s dns.Settings) (dns.Provider, error) {
			got = s
			return rec, nil
		},
	}
	if diff := cmp.Diff([]string{"alpha", "zeta"}, r.Names()); diff != "" {
		t.Errorf("Names() (-want +got):\n%s", diff)
	}
	want := dns.Settings{Server: "http://x", TokenFile: "t", Settings: map[string]string{"k": "v"}, BaseDir: "/d"}
	p, err := r.New(t.Context(), "alpha", want)
	if err != nil || p != rec {
		t.Fatalf("New(alpha) = %v, %v", p, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("settings handed to the constructor (-want +got):\n%s", diff)
	}
	_, err = r.New(t.Context(), "route54", want)
	if !errors.Is(err, dns.ErrInvalid) || !strings.Contains(err.Error(), `"route54"`) || !strings.Contains(err.Error(), "alpha, zeta") {
		t.Errorf("an unknown provider: %v, want ErrInvalid naming it and the known ones", err)
	}
}
