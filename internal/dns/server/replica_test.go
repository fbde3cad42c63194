package server_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	mdns "github.com/miekg/dns"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/server"
	"ferry.dev/ferry/internal/dns/server/servertest"
)

// serial is the SOA serial of example.test. as addr answers it over UDP.
func serial(t *testing.T, addr string) uint32 {
	t.Helper()
	r := query(t, "udp", addr, "example.test.", mdns.TypeSOA, false)
	if len(r.Answer) != 1 {
		t.Fatalf("SOA from %s: %v", addr, r)
	}
	return r.Answer[0].(*mdns.SOA).Serial
}

// waitConverged waits until every secondary serves the primary's serial.
// The bound only keeps a broken build from hanging; how long convergence
// takes is not what is tested.
func waitConverged(t *testing.T, primary string, secondaries ...string) uint32 {
	t.Helper()
	want := serial(t, primary)
	for _, s := range secondaries {
		deadline := time.Now().Add(time.Minute)
		for serial(t, s) != want {
			if time.Now().After(deadline) {
				t.Fatalf("secondary %s serves serial %d, the primary %d", s, serial(t, s), want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return want
}

func secondaryOf(t *testing.T, primaryURL string) *server.Server {
	t.Helper()
	return servertest.Run(t, server.Config{Zones: []server.Zone{server.DefaultZone("example.test")}, ReplicateFrom: primaryURL})
}

// TestSecondaryFollowsThePrimary: a secondary serves what the primary
// holds (changes as they come, the whole state after the primary
// restarted), refuses changes of its own, reports its lag, and keeps
// serving its last state when the primary is gone.
func TestSecondaryFollowsThePrimary(t *testing.T) {
	dir := t.TempDir()
	primary := servertest.Run(t, server.Config{Zones: []server.Zone{server.DefaultZone("example.test")}, DataDir: dir})
	sec := secondaryOf(t, primary.AdminURL())
	for i := range 50 {
		set(t, primary, seqRecord(i%3, i))
	}
	waitConverged(t, primary.DNSAddr(), sec.DNSAddr())
	if diff := cmp.Diff(primary.List(t.Context()), sec.List(t.Context())); diff != "" {
		t.Errorf("secondary's records (-primary +secondary):\n%s", diff)
	}
	if status, body := do(t, sec, "PUT", "/v1/records/x.example.test./A", `{"ttl":30,"sets":[{"id":"a","weight":1,"values":["192.0.2.1"]}]}`); status != http.StatusForbidden || !strings.Contains(body, primary.AdminURL()) {
		t.Errorf("PUT to the secondary: %d %s, want 403 naming the primary", status, body)
	}
	_, metrics := do(t, sec, "GET", "/metrics", "")
	for _, re := range []string{`ferry_dns_replication_lag_revisions 0\n`, `ferry_dns_replication_last_contact_seconds \d`, fmt.Sprintf(`ferry_dns_revision %d\n`, primary.Revision())} {
		if !regexp.MustCompile(re).MatchString(metrics) {
			t.Errorf("secondary /metrics lacks %s:\n%s", re, metrics)
		}
	}
	// A restarted primary no longer has the changes in memory: a new
	// secondary gets the whole state.
	if err := primary.Close(); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if r := query(t, "tcp", sec.DNSAddr(), "w0.example.test.", mdns.TypeA, false); len(r.Answer) != 1 {
			t.Errorf("query %d with the primary gone: %v, want the last state", i, r.Answer)
		}
	}
	again := servertest.Run(t, server.Config{Zones: []server.Zone{server.DefaultZone("example.test")}, DataDir: dir})
	late := secondaryOf(t, again.AdminURL())
	set(t, again, dns.RecordSet{Name: "after.example.test.", Type: "A", TTL: 30, Sets: []dns.WeightedSet{{ID: "a", Weight: 1, Values: []string{"192.0.2.9"}}}})
	waitConverged(t, again.DNSAddr(), late.DNSAddr())
	if diff := cmp.Diff(again.List(t.Context()), late.List(t.Context())); diff != "" {
		t.Errorf("late secondary's records (-primary +secondary):\n%s", diff)
	}
}
