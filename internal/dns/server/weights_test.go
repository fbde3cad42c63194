package server_test

import (
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	mdns "github.com/miekg/dns"

	"ferry.dev/ferry/internal/dns"
)

// askMany sends n A queries for name over UDP from several clients and
// counts the answers by address.
func askMany(t *testing.T, addr, name string, n int) map[string]int {
	t.Helper()
	const clients = 4
	var mu sync.Mutex
	counts := map[string]int{}
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for c := range clients {
		wg.Go(func() {
			local, err := askSerial(addr, name, n/clients+boolInt(c < n%clients))
			if err != nil {
				errs <- err
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for k, v := range local {
				counts[k] += v
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return counts
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func askSerial(addr, name string, n int) (map[string]int, error) {
	conn, err := mdns.Dial("udp", addr)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	counts := map[string]int{}
	m := new(mdns.Msg)
	m.SetQuestion(name, mdns.TypeA)
	for i := 0; i < n; {
		m.Id = mdns.Id()
		_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
		if err := conn.WriteMsg(m); err != nil {
			return nil, err
		}
		r, err := conn.ReadMsg()
		if err != nil {
			continue // a lost datagram: ask again, the loop counts answers
		}
		if r.Id != m.Id || len(r.Answer) != 1 {
			return nil, fmt.Errorf("answer %v", r)
		}
		counts[r.Answer[0].(*mdns.A).A.String()]++
		i++
	}
	return counts, nil
}

func TestWeightsMatchShares(t *testing.T) {
	srv := startServer(t, t.TempDir())
	set(t, srv, dns.RecordSet{Name: "api.example.test.", Type: "A", TTL: 30, Sets: []dns.WeightedSet{
		{ID: "legacy", Weight: 10, Values: []string{"127.0.0.2"}},
		{ID: "cluster", Weight: 90, Values: []string{"127.0.0.3"}},
	}})
	const n = 100_000
	counts := askMany(t, srv.DNSAddr(), "api.example.test.", n)
	if counts["127.0.0.2"]+counts["127.0.0.3"] != n {
		t.Fatalf("answers %v do not add up to %d", counts, n)
	}
	// 100,000 draws at p=0.1 have a standard deviation of 0.095 points, so
	// ±1 point is over ten deviations: a failure means a biased choice.
	share := 100 * float64(counts["127.0.0.2"]) / n
	if math.Abs(share-10) > 1 {
		t.Errorf("legacy got %.2f%% of answers, want 10±1%%", share)
	}
	t.Logf("legacy %.2f%%, cluster %.2f%%", share, 100-share)
}

func TestAllZeroWeightsShareEqually(t *testing.T) {
	srv := startServer(t, t.TempDir())
	set(t, srv, dns.RecordSet{Name: "api.example.test.", Type: "A", TTL: 30, Sets: []dns.WeightedSet{
		{ID: "a", Weight: 0, Values: []string{"127.0.0.2"}},
		{ID: "b", Weight: 0, Values: []string{"127.0.0.3"}},
	}})
	const n = 20_000
	counts := askMany(t, srv.DNSAddr(), "api.example.test.", n)
	if share := 100 * float64(counts["127.0.0.2"]) / n; math.Abs(share-50) > 2 {
		t.Errorf("a got %.2f%% of answers, want 50±2%%", share)
	}
}

func TestWeightChangeIsVisibleToTheNextQuery(t *testing.T) {
	srv := startServer(t, t.TempDir())
	c := newClient(t, srv)
	for i := range 20 {
		live, dead := "127.0.0.2", "127.0.0.3"
		if i%2 == 1 {
			live, dead = dead, live
		}
		err := c.Replace(t.Context(), dns.RecordSet{Name: "api.example.test.", Type: "A", TTL: 30, Sets: []dns.WeightedSet{
			{ID: "live", Weight: 255, Values: []string{live}},
			{ID: "dead", Weight: 0, Values: []string{dead}},
		}}, dns.Always())
		if err != nil {
			t.Fatal(err)
		}
		for _, network := range []string{"udp", "tcp"} {
			r := query(t, network, srv.DNSAddr(), "api.example.test.", mdns.TypeA, false)
			if got := r.Answer[0].(*mdns.A).A.String(); got != live {
				t.Fatalf("change %d over %s: answered %s, want %s", i, network, got, live)
			}
		}
	}
}
