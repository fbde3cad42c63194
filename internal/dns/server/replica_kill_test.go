package server_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/dns/adminclient"
)

// helperProc is a server running in a process of its own (the test
// binary re-executed, see TestMain), so that it can be killed with
// SIGKILL.
type helperProc struct {
	dir     string
	hc      helperConfig
	cmd     *exec.Cmd
	url     string
	dnsAddr string
}

func startHelper(t *testing.T, dir string, hc helperConfig) *helperProc {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(hc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "helper.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	_ = os.Remove(filepath.Join(dir, "url"))
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+dir)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &helperProc{dir: dir, hc: hc, cmd: cmd}
	t.Cleanup(func() { p.kill9(t) })
	p.url, p.dnsAddr, _ = strings.Cut(waitForFile(t, filepath.Join(dir, "url")), " ")
	return p
}

func (p *helperProc) kill9(t *testing.T) {
	t.Helper()
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	_ = p.cmd.Wait()
}

// restart starts the server again on its data and its addresses, so its
// peers find it where it was.
func (p *helperProc) restart(t *testing.T) *helperProc {
	t.Helper()
	hc := p.hc
	hc.DNSAddr = p.dnsAddr
	hc.AdminAddr = strings.TrimPrefix(p.url, "http://")
	return startHelper(t, p.dir, hc)
}

// waitFor waits until n writes are acknowledged (or the writers are done).
func waitFor(total *atomic.Int64, n int64, done <-chan struct{}) {
	for total.Load() < n {
		select {
		case <-done:
			return
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// TestSecondariesConvergeThroughKill9: a primary and two secondaries,
// each a process of its own; 10,000 writes of weighted sets whose weights
// change with every write; a secondary and then the primary killed with
// SIGKILL mid-stream and restarted. No acknowledged write is lost, every
// secondary converges to the primary's serial and records, and all three
// answer a 10/90 set in the same proportions.
func TestSecondariesConvergeThroughKill9(t *testing.T) {
	base := t.TempDir()
	primary := startHelper(t, filepath.Join(base, "primary"), helperConfig{DNSAddr: "127.0.0.1:0", AdminAddr: "127.0.0.1:0"})
	secs := []*helperProc{
		startHelper(t, filepath.Join(base, "s1"), helperConfig{DNSAddr: "127.0.0.1:0", AdminAddr: "127.0.0.1:0", ReplicateFrom: primary.url}),
		startHelper(t, filepath.Join(base, "s2"), helperConfig{DNSAddr: "127.0.0.1:0", AdminAddr: "127.0.0.1:0", ReplicateFrom: primary.url}),
	}
	c, err := adminclient.New(primary.url, testToken, nil)
	if err != nil {
		t.Fatal(err)
	}
	const writers, each = 4, 2500
	acked := make([]atomic.Int64, writers)
	var total atomic.Int64
	done := make(chan struct{})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for seq := 1; seq <= each; {
				if err := c.Replace(t.Context(), seqRecord(w, seq), dns.Always()); err != nil {
					time.Sleep(10 * time.Millisecond) // the primary is down: send the same write again
					continue
				}
				acked[w].Store(int64(seq))
				total.Add(1)
				seq++
			}
		})
	}
	go func() { wg.Wait(); close(done) }()

	waitFor(&total, 3000, done)
	secs[0].kill9(t)
	secs[0] = secs[0].restart(t)

	waitFor(&total, 6000, done)
	primary.kill9(t)
	ackedAtKill := make([]int, writers)
	for w := range writers {
		ackedAtKill[w] = int(acked[w].Load())
	}
	primary = primary.restart(t)
	for w := range writers {
		rs, err := c.Get(t.Context(), seqRecord(w, 0).Name, "A")
		if err != nil {
			t.Fatalf("writer %d after the primary's restart: %v", w, err)
		}
		// The writers go on against the restarted primary: the record may
		// be any write sent since, but never one older than acknowledged.
		if seq := findSeq(t, w, rs, int(acked[w].Load())+1); seq < ackedAtKill[w] {
			t.Errorf("writer %d: write %d acknowledged before kill -9, the restarted primary has %d", w, ackedAtKill[w], seq)
		}
	}
	<-done
	checkConverged(t, c, primary, secs)
}

// checkConverged sets a 10/90 set on the primary, waits for the serial on
// every secondary, and compares records and answer shares.
func checkConverged(t *testing.T, c *adminclient.Client, primary *helperProc, secs []*helperProc) {
	t.Helper()
	split := dns.RecordSet{Name: "split.example.test.", Type: "A", TTL: 30, Sets: []dns.WeightedSet{
		{ID: "legacy", Weight: 10, Values: []string{"192.0.2.1"}}, {ID: "cluster", Weight: 90, Values: []string{"192.0.2.2"}}}}
	if err := c.Replace(t.Context(), split, dns.Always()); err != nil {
		t.Fatal(err)
	}
	want, err := c.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for w := range 4 {
		if got := want[w]; !cmp.Equal(got, seqRecord(w, 2500)) && got.Name == seqRecord(w, 0).Name {
			t.Errorf("writer %d: the primary ends with %v, not its last acknowledged write", w, got)
		}
	}
	all := []*helperProc{primary, secs[0], secs[1]}
	serial := waitConverged(t, primary.dnsAddr, secs[0].dnsAddr, secs[1].dnsAddr)
	t.Logf("converged at serial %d", serial)
	for _, p := range all {
		sc, err := adminclient.New(p.url, testToken, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := sc.List(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s's records (-primary +it):\n%s", p.url, diff)
		}
		counts := askMany(t, p.dnsAddr, split.Name, 4000)
		if share := float64(counts["192.0.2.1"]) / 4000; share < 0.07 || share > 0.13 {
			t.Errorf("%s answers legacy %.1f%% of the time, want 10±3%%", p.dnsAddr, 100*share)
		}
	}
}
