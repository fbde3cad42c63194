package providers_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/providers"
	"ferry.dev/ferry/internal/dns/server/servertest"
)

// TestFerryProvider builds the "ferry" provider from settings as a service
// file gives them (a token file relative to the file's directory) and uses
// it against the real server.
func TestFerryProvider(t *testing.T) {
	srv := servertest.Start(t, "example.test")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "dns.token"), []byte(servertest.Token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	reg := providers.Registry()
	if diff := cmp.Diff([]string{"external-dns", "ferry", "route53"}, reg.Names()); diff != "" {
		t.Errorf("Names() (-want +got):\n%s", diff)
	}
	p, err := reg.New(t.Context(), "ferry", dns.Settings{Server: srv.AdminURL(), TokenFile: "dns.token", BaseDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	rs := dns.RecordSet{Name: "api.example.test.", Type: "A", TTL: 30, Sets: []dns.WeightedSet{{ID: "a", Weight: 1, Values: []string{"127.0.0.1"}}}}
	if err := p.Replace(t.Context(), rs, dns.IfAbsent()); err != nil {
		t.Fatal(err)
	}
	if got, err := srv.Get(t.Context(), rs.Name, rs.Type); err != nil || !got.Equal(rs) {
		t.Errorf("the server holds %v (%v), want %v", got, err, rs)
	}
}

func TestFerryProviderRefusesBadSettings(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "empty.token"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		s    dns.Settings
		msgs []string
	}{
		{name: "nothing", s: dns.Settings{}, msgs: []string{"migration.dns.server: the admin API URL", "migration.dns.tokenFile: the file"}},
		{name: "not a URL", s: dns.Settings{Server: "127.0.0.1:8053", TokenFile: "t"}, msgs: []string{`migration.dns.server: "127.0.0.1:8053" is not an http(s) URL`}},
		{name: "unknown setting", s: dns.Settings{Server: "http://127.0.0.1:8053", TokenFile: "t", Settings: map[string]string{"zone": "x"}},
			msgs: []string{"migration.dns.settings.zone: the ferry provider has no such setting"}},
		{name: "token file missing", s: dns.Settings{Server: "http://127.0.0.1:8053", TokenFile: "nope.token", BaseDir: dir},
			msgs: []string{"migration.dns.tokenFile", filepath.Join(dir, "nope.token")}},
		{name: "token file empty", s: dns.Settings{Server: "http://127.0.0.1:8053", TokenFile: "empty.token", BaseDir: dir},
			msgs: []string{"migration.dns.tokenFile", "is empty"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := providers.Registry().New(t.Context(), "ferry", tc.s)
			if p != nil || !errors.Is(err, dns.ErrInvalid) {
				t.Fatalf("New = %v, %v; want no provider and ErrInvalid", p, err)
			}
			for _, m := range tc.msgs {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q lacks %q", err, m)
				}
			}
		})
	}
}
