package migrate_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/dns"
	"ferry.dev/ferry/internal/migrate"
)

func TestTriage(t *testing.T) {
	q := func(kind migrate.CommandKind, id string) migrate.QueuedCommand {
		return migrate.QueuedCommand{Kind: kind, Migration: id}
	}
	tests := []struct {
		name    string
		queue   []migrate.QueuedCommand
		keep    []migrate.CommandKind
		dropped []migrate.CommandKind
	}{
		{"in order", []migrate.QueuedCommand{q(migrate.Pause, "a"), q(migrate.Resume, "a"), q(migrate.Promote, "a")},
			[]migrate.CommandKind{migrate.Pause, migrate.Resume, migrate.Promote}, nil},
		{"another migration's", []migrate.QueuedCommand{q(migrate.Pause, "old"), q(migrate.Promote, ""), q(migrate.Promote, "a")},
			[]migrate.CommandKind{migrate.Promote}, []migrate.CommandKind{migrate.Pause, migrate.Promote}},
		{"promote before rollback", []migrate.QueuedCommand{q(migrate.Promote, "a"), q(migrate.Pause, "a"), q(migrate.Rollback, "a")},
			[]migrate.CommandKind{migrate.Pause, migrate.Rollback}, []migrate.CommandKind{migrate.Promote}},
		{"resume before abort, promote after", []migrate.QueuedCommand{q(migrate.Resume, "a"), q(migrate.Abort, "a"), q(migrate.Promote, "a")},
			[]migrate.CommandKind{migrate.Abort, migrate.Promote}, []migrate.CommandKind{migrate.Resume}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keep, drop := migrate.Triage("a", tt.queue)
			var gotKeep, gotDrop []migrate.CommandKind
			for _, k := range keep {
				gotKeep = append(gotKeep, k.Kind)
			}
			for _, d := range drop {
				gotDrop = append(gotDrop, d.Kind)
			}
			if d := cmp.Diff(tt.keep, gotKeep); d != "" {
				t.Errorf("kept (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.dropped, gotDrop); d != "" {
				t.Errorf("dropped (-want +got):\n%s", d)
			}
		})
	}
}

// killedAtStep1 is the state a start killed at step 1 (cluster 10%) left,
// just after it asked for step 2 (cluster 50%) and before DNS changed.
func killedAtStep1(t *testing.T, cfg migrate.Config) migrate.State {
	t.Helper()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := migrate.NewState(cfg)
	ok := migrate.GateResult{Side: migrate.Cluster, N: 10, SuccessRatio: 1}
	s, _ = migrate.Step(s, migrate.Start{Now: now})
	for _, in := range []migrate.Input{nil, nil, ok, migrate.Tick{Now: now.Add(time.Minute)}, nil, nil,
		ok, migrate.Tick{Now: now.Add(2 * time.Minute)}} {
		if in == nil {
			in = migrate.ActionDone{ID: s.Pending[0].ID}
		}
		s, _ = migrate.Step(s, in)
	}
	if len(s.Pending) != 1 || s.Pending[0].Weights.Cluster != 50 || s.Weights.Cluster != 10 {
		t.Fatalf("setting up: weights %s, pending %+v; want cluster 10 with 50 pending", s.Weights, s.Pending)
	}
	return s
}

// TestExecutorRollbackQueuedWhileStoppedComesFirst: after a kill at step 1,
// a queued promote then rollback must not move traffic forward first: the
// promote is dropped and the rollback applied before the pending step 2
// is performed again.
func TestExecutorRollbackQueuedWhileStoppedComesFirst(t *testing.T) {
	p := newRecording(t)
	cfg := testConfig(backend(t, nil), backend(t, nil))
	s := killedAtStep1(t, cfg)
	_ = p.Replace(t.Context(), migrate.RecordFor(cfg, migrate.SetWeights, s.Weights), dns.Always())
	p.changes = nil
	e, st := newExecutor(t, p)
	for _, k := range []migrate.CommandKind{migrate.Promote, migrate.Rollback} {
		if _, err := st.Send(cfg.Domain, s.ID(), k); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	final, err := e.Run(ctx, s)
	if err != nil || final.Stage != migrate.StageRolledBack {
		t.Fatalf("Run = %s (%q), %v; want rolled-back", final.Stage, final.Reason, err)
	}
	if d := cmp.Diff([]map[string]int{{"legacy": 100}}, p.changes); d != "" {
		t.Errorf("DNS changes (-want +got):\n%s", d)
	}
	if qs, _ := st.Pending(cfg.Domain); len(qs) != 0 {
		t.Errorf("%d commands left queued", len(qs))
	}
}

// TestExecutorDropsAnotherMigrationsCommands: a pause left queued for an
// earlier migration does not pause a new one.
func TestExecutorDropsAnotherMigrationsCommands(t *testing.T) {
	p := newRecording(t)
	cfg := testConfig(backend(t, nil), backend(t, nil))
	e, st := newExecutor(t, p)
	if _, err := st.Send(cfg.Domain, "2025-01-01T00:00:00Z", migrate.Pause); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	final, err := e.Run(ctx, migrate.NewState(cfg))
	if err != nil || final.Stage != migrate.StageDone || final.Paused {
		t.Fatalf("Run = %s paused=%v, %v; want done", final.Stage, final.Paused, err)
	}
}
