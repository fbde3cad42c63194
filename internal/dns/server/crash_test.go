package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/adminclient"
	"ferry.dev/ferry/internal/dns/server"
	"ferry.dev/ferry/internal/dns/server/servertest"
)

// helperEnv makes the test binary run a server instead of the tests.
const helperEnv = "FERRY_DNS_CRASH_HELPER_DIR"

// TestMain lets the crash test re-execute this binary as a server process
// that it can kill -9.
func TestMain(m *testing.M) {
	if dir := os.Getenv(helperEnv); dir != "" {
		os.Exit(runHelper(dir))
	}
	os.Exit(m.Run())
}

// helperConfig is the part of a helper server's configuration a test may
// set, in DIR/helper.json: addresses to keep across restarts, and the
// primary of a secondary.
type helperConfig struct {
	DNSAddr, AdminAddr, ReplicateFrom string
}

func runHelper(dir string) int {
	hc := helperConfig{DNSAddr: "127.0.0.1:0", AdminAddr: "127.0.0.1:0"}
	if b, err := os.ReadFile(filepath.Join(dir, "helper.json")); err == nil {
		if err := json.Unmarshal(b, &hc); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	cfg := server.Config{
		Zones: []server.Zone{server.DefaultZone("example.test")}, DataDir: filepath.Join(dir, "data"),
		DNSAddr: hc.DNSAddr, AdminAddr: hc.AdminAddr, Token: testToken, CompactEvery: 37, ReplicateFrom: hc.ReplicateFrom,
	}
	ctx := context.Background()
	srv, err := server.New(ctx, cfg)
	if err == nil {
		err = srv.Start(ctx)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	tmp := filepath.Join(dir, "url.tmp")
	if err := os.WriteFile(tmp, []byte(srv.AdminURL()+" "+srv.DNSAddr()), 0o600); err != nil {
		return 1
	}
	if err := os.Rename(tmp, filepath.Join(dir, "url")); err != nil {
		return 1
	}
	select {} // until killed
}

// seqRecord is write number seq to writer w: two sets that must always
// agree, so a half-applied change would show.
func seqRecord(w, seq int) dns.RecordSet {
	a := netip.AddrFrom4([4]byte{10, byte(w), byte(seq >> 8), byte(seq)}).String()
	return dns.RecordSet{Name: fmt.Sprintf("w%d.example.test.", w), Type: "A", TTL: 30, Sets: []dns.WeightedSet{
		{ID: "legacy", Weight: seq % 256, Values: []string{a}},
		{ID: "cluster", Weight: 255 - seq%256, Values: []string{a}},
	}}
}

func TestAcknowledgedWritesSurviveKill9(t *testing.T) {
	dir := t.TempDir()
	const writers = 4
	acked := make([]int, writers) // last acknowledged sequence per writer
	for round := range 3 {
		tried := burstAndKill(t, dir, acked)
		checkAfterRestart(t, dir, acked, tried)
		t.Logf("round %d: acknowledged %v", round, acked)
	}
}

// burstAndKill starts the helper, writes from several clients at once and
// kills the helper with SIGKILL in the middle. It returns the last sequence
// each writer attempted.
func burstAndKill(t *testing.T, dir string, acked []int) []int {
	t.Helper()
	p := startHelper(t, dir, helperConfig{DNSAddr: "127.0.0.1:0", AdminAddr: "127.0.0.1:0"})
	defer p.kill9(t)
	c, err := adminclient.New(p.url, testToken, nil)
	if err != nil {
		t.Fatal(err)
	}
	tried := make([]int, len(acked))
	var total atomic.Int64
	var wg sync.WaitGroup
	for w := range acked {
		wg.Go(func() {
			for seq := acked[w] + 1; seq < acked[w]+100_000; seq++ {
				tried[w] = seq
				if err := c.Replace(t.Context(), seqRecord(w, seq), dns.Always()); err != nil {
					return // the server died: this write may or may not be there
				}
				acked[w] = seq
				total.Add(1)
			}
		})
	}
	for deadline := time.Now().Add(time.Minute); total.Load() < 150 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	p.kill9(t)
	wg.Wait()
	return tried
}

func checkAfterRestart(t *testing.T, dir string, acked, tried []int) {
	t.Helper()
	srv := servertest.Run(t, server.Config{Zones: []server.Zone{server.DefaultZone("example.test")}, DataDir: filepath.Join(dir, "data")})
	defer srv.Close() // before the next round's helper opens the directory
	for w := range acked {
		name := fmt.Sprintf("w%d.example.test.", w)
		rs, err := srv.Get(t.Context(), name, "A")
		if errors.Is(err, dns.ErrNotFound) && acked[w] == 0 {
			continue
		}
		if err != nil {
			t.Fatalf("writer %d: %v", w, err)
		}
		seq := findSeq(t, w, rs, tried[w])
		if seq < acked[w] {
			t.Errorf("writer %d: found write %d after restart, but %d was acknowledged", w, seq, acked[w])
		}
		acked[w] = seq // an unacknowledged write may have landed: continue after it
	}
}

// findSeq returns which write rs is, failing if it is not exactly one of
// the writes attempted (a half-applied or corrupt record).
func findSeq(t *testing.T, w int, rs dns.RecordSet, tried int) int {
	t.Helper()
	for seq := tried; seq >= 1 && seq > tried-100_000; seq-- {
		if want := seqRecord(w, seq); rs.Sets[0].Values[0] == want.Sets[0].Values[0] {
			if fmt.Sprint(want) != fmt.Sprint(rs) {
				t.Fatalf("writer %d: record is not write %d as sent: %v", w, seq, rs)
			}
			return seq
		}
	}
	t.Fatalf("writer %d: record %v matches no write up to %d", w, rs, tried)
	return 0
}

func waitForFile(t *testing.T, path string) string {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(path); err == nil {
			return string(b)
		}
	}
	t.Fatalf("the helper server never wrote %s", path)
	return ""
}
