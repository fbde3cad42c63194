// Package servertest starts ferry's real DNS server on loopback for tests
// of the packages that use it (providers, leases, migrations), and hands
// out clients of its admin API.
package servertest

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"ferry.dev/ferry/internal/dns/adminclient"
	"ferry.dev/ferry/internal/dns/server"
)

// Token is the admin API token of every server Start runs.
const Token = "servertest-token"

// Start runs a server for zones (generated SOA and NS) as Run does.
func Start(t testing.TB, zones ...string) *server.Server {
	t.Helper()
	var cfg server.Config
	for _, z := range zones {
		cfg.Zones = append(cfg.Zones, server.DefaultZone(z))
	}
	return Run(t, cfg)
}

// Run starts a server with cfg, filling in what it leaves empty: data in a
// temporary directory, UDP, TCP and the admin API on loopback ports, Token,
// logs discarded. The server is closed when the test ends.
func Run(t testing.TB, cfg server.Config) *server.Server {
	t.Helper()
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	if cfg.DNSAddr == "" {
		cfg.DNSAddr = "127.0.0.1:0"
	}
	if cfg.AdminAddr == "" {
		cfg.AdminAddr, cfg.Token = "127.0.0.1:0", Token
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	srv, err := server.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("closing the DNS server: %v", err)
		}
	})
	return srv
}

// Client returns a new client of srv's admin API, as another process
// would hold.
func Client(t testing.TB, srv *server.Server) *adminclient.Client {
	t.Helper()
	c, err := adminclient.New(srv.AdminURL(), Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TokenFile writes Token to a new file (mode 0600, as ferry dns serve
// wants it) for the clients and commands that read it from a file.
func TokenFile(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte(Token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
