package migrate_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/migrate"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the output sections of testdata/*.txt from the engine")

// TestScenarios replays every testdata/*.txt file against the pure engine,
// in the data-driven form of etcd-io/raft's tests: a block is one or more
// input lines, a "----" line, and everything the engine did for them — the
// actions it emitted, its log lines, the timeline events it added and the
// state it ended in. A block that differs fails the test; -rewrite writes
// the engine's output into the files instead (review the diff).
//
// Inputs (every argument is checked: an unknown key or a number that does
// not parse fails the test, never becomes 0):
//
//	config key=value...   a new migration; keys: steps hold ttl promotion
//	                      onFailure onBothFailing failures minRequests
//	                      preview traffic threshold retryFor
//	start [record=R] [preview=R]   R: absent (default), plain, or SETS
//	tick DUR
//	gate SIDE n=N ok=RATIO p99=DUR [hard]
//	traffic RATE | traffic error=TEXT
//	cmd promote|pause|resume|rollback|abort
//	done [mismatches=N] [detail=TEXT]   answers the first pending action
//	fail [terminal] [error=TEXT]        likewise; terminal: retrying cannot help
//	conflict found=R                    likewise: the precondition failed
//	observe domain|preview found=R      a fresh read while nothing is in flight
//	restart [DUR]         the state round-trips through JSON, then Restarted
//
// SETS is "id=weight,…" over the scenario's endpoints (legacy 192.0.2.10,
// cluster 198.51.100.20), e.g. legacy=90,cluster=10.
func TestScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			blocks, err := parseBlocks(string(data))
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			r := &replay{t: t, now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			for i := range blocks {
				b := &blocks[i]
				got := r.block(f, b)
				if *rewrite {
					b.output = got
				} else if got != b.output {
					t.Errorf("%s:%d: output differs (-want +got):\n%s", f, b.line, cmp.Diff(b.output, got))
				}
			}
			if *rewrite {
				if err := os.WriteFile(f, []byte(formatBlocks(blocks)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// replay is one scenario being replayed.
type replay struct {
	t     *testing.T
	where string
	now   time.Time
	s     migrate.State
	out   []string
}

func (r *replay) fatalf(format string, args ...any) {
	r.t.Helper()
	r.t.Fatalf("%s: "+format, append([]any{r.where}, args...)...)
}

func (r *replay) block(file string, b *block) string {
	r.out = nil
	events := len(r.s.Timeline)
	for i, line := range b.inputs {
		r.where = file + ":" + itoa(b.line+i) + ": " + line
		r.input(strings.Fields(line))
	}
	for _, e := range r.s.Timeline[min(events, len(r.s.Timeline)):] {
		// An event is logged too; the log line would only repeat it.
		r.out = slices.DeleteFunc(r.out, func(l string) bool { return l == "log: "+e.Message })
		r.out = append(r.out, "event "+string(e.Kind)+": "+e.Message)
	}
	r.out = append(r.out, summary(r.s)...)
	return strings.Join(r.out, "\n")
}

func (r *replay) step(in migrate.Input) {
	var acts []migrate.Action
	r.s, acts = migrate.Step(r.s, in)
	for _, a := range acts {
		r.out = append(r.out, describeAction(a))
	}
}

func (r *replay) restart(args []string) {
	if len(args) > 0 {
		r.now = r.now.Add(r.dur(args[0]))
	}
	data, err := json.Marshal(r.s)
	if err != nil {
		r.fatalf("marshal: %v", err)
	}
	var back migrate.State
	if err := json.Unmarshal(data, &back); err != nil {
		r.fatalf("unmarshal: %v", err)
	}
	if d := cmp.Diff(r.s, back); d != "" {
		r.fatalf("state changed through JSON (-before +after):\n%s", d)
	}
	r.s = back
	r.step(migrate.Restarted{Now: r.now})
}
