package migrate_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/migrate"
)

// counting is ferry's real DNS server behind a provider that counts its
// calls (dns.CallCounter) as Route 53's does: each Get and Replace is one
// call, into the totals and into the tally of its context. Its first
// change to the domain fails as a dropped connection would.
type counting struct {
	*recording
	mu     sync.Mutex
	total  dns.Calls
	failed bool
}

func (c *counting) count(ctx context.Context, op string) {
	if t := dns.TallyOf(ctx); t != nil {
		t.Count(op, false)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total = c.total.Add(dns.Calls{ByOp: map[string]int{op: 1}})
}

func (c *counting) Calls() dns.Calls {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.total.Add(dns.Calls{})
}

func (c *counting) Get(ctx context.Context, name, rrtype string) (dns.RecordSet, error) {
	c.count(ctx, "Get")
	return c.recording.Get(ctx, name, rrtype)
}

func (c *counting) Replace(ctx context.Context, rs dns.RecordSet, cond dns.Condition) error {
	c.count(ctx, "Replace")
	c.mu.Lock()
	fail := !c.failed && rs.Name == "api.example.test."
	c.failed = c.failed || fail
	c.mu.Unlock()
	if fail {
		return errors.New("connection reset by peer")
	}
	return c.recording.Replace(ctx, rs, cond)
}

// TestExecutorCountsCallsPerChange: with a provider that counts its calls,
// the state holds each DNS change's calls — every attempt of a change
// retried after a transient failure summed, and none of the reads the
// executor makes meanwhile to find drift — and with one that
// does not, none: zero would be a claim, not a count.
func TestExecutorCountsCallsPerChange(t *testing.T) {
	cfg := testConfig(backend(t, nil), backend(t, nil))
	cfg.DNS.RetryFor = cfg.Hold * 100
	p := &counting{recording: newRecording(t)}
	e, _ := newExecutor(t, p)
	final, err := e.Run(t.Context(), migrate.NewState(cfg))
	if err != nil || final.Stage != migrate.StageDone {
		t.Fatalf("stage %s, %v; want done", final.Stage, err)
	}
	type change struct {
		Action migrate.ActionKind
		Name   string
		Calls  map[string]int
	}
	var got []change
	for _, c := range final.Calls {
		got = append(got, change{c.Action, c.Name, c.Calls.ByOp})
	}
	one := map[string]int{"Replace": 1}
	want := []change{
		{migrate.PointPreview, "api.k8s.example.test.", one},
		{migrate.AdoptRecord, "api.example.test.", map[string]int{"Replace": 2}},
		{migrate.SetWeights, "api.example.test.", one}, {migrate.SetWeights, "api.example.test.", one},
		{migrate.SetWeights, "api.example.test.", one}, {migrate.RemoveLegacy, "api.example.test.", one},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("calls per change (-want +got):\n%s", d)
	}
	if p.Calls().ByOp["Get"] == 0 {
		t.Error("the executor read nothing back meanwhile; the test shows nothing about keeping reads out")
	}

	plain, _ := newExecutor(t, newRecording(t))
	final, err = plain.Run(t.Context(), migrate.NewState(cfg))
	if err != nil || final.Stage != migrate.StageDone || final.Calls != nil {
		t.Errorf("a provider that does not count: stage %s, %v, calls %v; want done and none", final.Stage, err, final.Calls)
	}
}
