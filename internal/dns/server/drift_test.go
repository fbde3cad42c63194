package server_test

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/server"
	"ferry.dev/ferry/internal/dns/server/servertest"
)

// TestZoneFileEditsAreReportedAtStart: the store wins over a zone file
// edited after its first import, and the start says which records differ.
func TestZoneFileEditsAreReportedAtStart(t *testing.T) {
	dir := t.TempDir()
	zf := filepath.Join(dir, "db.example.test")
	const head = "$ORIGIN example.test.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 600 604800 60\n@ IN NS ns1\n"
	start := func(zone string) (*server.Server, string) {
		t.Helper()
		if err := os.WriteFile(zf, []byte(head+zone), 0o600); err != nil {
			t.Fatal(err)
		}
		z, err := server.LoadZoneFile(zf, "")
		if err != nil {
			t.Fatal(err)
		}
		var logs bytes.Buffer
		srv := servertest.Run(t, server.Config{Zones: []server.Zone{z}, DataDir: filepath.Join(dir, "data"),
			Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		return srv, logs.String()
	}
	srv, logs := start("www IN A 192.0.2.10\nv6 IN AAAA 2001:db8::1\nkeep IN TXT same\n")
	if strings.Contains(logs, "differ") {
		t.Errorf("the first start warns:\n%s", logs)
	}
	set(t, srv, dns.RecordSet{Name: "api.example.test.", Type: "A", TTL: 30, Sets: []dns.WeightedSet{{ID: "legacy", Weight: 1, Values: []string{"192.0.2.1"}}}})
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}

	srv, logs = start("www IN A 192.0.2.99\nkeep IN TXT same\nnew IN A 192.0.2.7\n")
	defer func() { _ = srv.Close() }()
	for _, want := range []string{"level=WARN", "file=" + zf, "differing=3",
		"www.example.test. A changed", "new.example.test. A only in the file", "v6.example.test. AAAA only in the store"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the start's logs lack %q:\n%s", want, logs)
		}
	}
	for _, unwanted := range []string{"keep.example.test.", "api.example.test."} {
		if strings.Contains(logs, unwanted) {
			t.Errorf("the warning names %s, which does not differ from the file:\n%s", unwanted, logs)
		}
	}
	if rs, err := srv.Get(t.Context(), "www.example.test.", "A"); err != nil || rs.Sets[0].Values[0] != "192.0.2.10" {
		t.Errorf("the store no longer wins: %v %v", rs, err)
	}
}
