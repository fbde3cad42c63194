//go:build unix

package e2e

import (
	"context"
	"encoding/xml"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/cli/clitest"
)

// TestKillRightAfterABatch: `ferry migrate start` is killed with SIGKILL
// the moment Route 53 has made its n-th batch, before the answer reaches
// it. The group is then whole (the old weights or the new, never a mix);
// started again, ferry finds the change made, never sends it twice, and
// finishes.
func TestKillRightAfterABatch(t *testing.T) {
	bin := clitest.Build(t)
	// Batch 1 takes the lease; 2 adopts; 3, 4, 5 are the steps; 6 cuts over.
	for _, n := range []int{2, 4, 6} {
		t.Run(fmt.Sprintf("batch-%d", n), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, fmt.Sprintf("kill%d", n), "0s")
			var pid atomic.Int64
			var atKill map[string]int64
			var listErr error
			listed := make(chan struct{})
			e.proxy.AfterChange(n, func() {
				if p := pid.Load(); p > 0 {
					_ = syscall.Kill(int(p), syscall.SIGKILL)
				}
				atKill, listErr = e.list(t.Context())
				close(listed)
			})
			if code := runFerry(t, bin, e.file, &pid); code == 0 {
				t.Fatalf("ferry migrate start finished before batch %d", n)
			}
			<-listed
			whole := []map[string]int64{{"": -1}, {"legacy": 100, "cluster": 0}, {"legacy": 90, "cluster": 10},
				{"legacy": 50, "cluster": 50}, {"legacy": 0, "cluster": 100}, {"cluster": 100}}
			if listErr != nil {
				t.Fatal(listErr)
			}
			if !slices.ContainsFunc(whole, func(w map[string]int64) bool { return cmp.Equal(w, atKill) }) {
				t.Errorf("at the kill the group was %v: not a whole step", atKill)
			}
			for attempt := 0; runFerry(t, bin, e.file, nil) != 0; attempt++ {
				if attempt == 2 {
					t.Fatal("ferry migrate start did not finish after 3 restarts")
				}
			}
			if d := cmp.Diff(map[string]int64{"": -1}, e.weights(t)); d != "" {
				t.Errorf("DNS at the end (-want +got):\n%s", d)
			}
			checkEachBatchOnce(t, e)
		})
	}
}

// runFerry runs `ferry migrate start api`, publishing its pid, and returns
// its exit status (-1 when killed).
func runFerry(t *testing.T, bin, file string, pid *atomic.Int64) int {
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "migrate", "start", "api", "-f", file)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if pid != nil {
		pid.Store(int64(cmd.Process.Pid))
	}
	err := cmd.Wait()
	if ctx.Err() != nil {
		t.Fatalf("ferry migrate start hung:\n%s", out.String())
	}
	if err != nil && pid == nil {
		t.Logf("ferry migrate start: %v\n%s", err, out.String())
	}
	return cmd.ProcessState.ExitCode()
}

// batchXML is the part of a ChangeResourceRecordSets request read here.
type batchXML struct {
	Changes []struct {
		Action string `xml:"Action"`
		Set    struct {
			Type          string `xml:"Type"`
			SetIdentifier string `xml:"SetIdentifier"`
			Weight        string `xml:"Weight"`
		} `xml:"ResourceRecordSet"`
	} `xml:"ChangeBatch>Changes>Change"`
}

// checkEachBatchOnce: every batch of the domain's A record that Route 53
// made creates a different group, and none was refused: a change whose
// answer was lost is found made, not sent again.
func checkEachBatchOnce(t *testing.T, e *env) {
	t.Helper()
	seen := map[string]bool{}
	for _, c := range e.proxy.Changes() {
		var b batchXML
		if err := xml.Unmarshal([]byte(c.Body), &b); err != nil {
			t.Fatalf("reading a batch: %v", err)
		}
		var creates []string
		for _, ch := range b.Changes {
			if ch.Set.Type == "A" && ch.Action == "CREATE" {
				creates = append(creates, ch.Set.SetIdentifier+"="+ch.Set.Weight)
			}
		}
		if len(creates) == 0 {
			continue
		}
		key := strings.Join(creates, " ")
		if c.Status != 200 {
			t.Errorf("a batch was refused (%d): %s", c.Status, key)
		}
		if seen[key] {
			t.Errorf("the batch creating %s was sent twice", key)
		}
		seen[key] = true
	}
	if len(seen) != 5 {
		t.Errorf("%d distinct batches of the A record, want 5 (adopt, 3 steps, cutover): %v", len(seen), seen)
	}
}
