package migrate_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/migrate/migratetest"
)

func TestAllowed(t *testing.T) {
	base := func(stage migrate.Stage, edit func(*migrate.State)) migrate.State {
		s := migrate.NewState(migratetest.Config("api.example.test", "192.0.2.1", "192.0.2.2"))
		s.Stage, s.Step = stage, 1
		s.Health[migrate.Cluster] = migrate.SideHealth{Status: migrate.GatePass}
		s.Parity = migrate.ParityResult{Checked: true}
		if edit != nil {
			edit(&s)
		}
		return s
	}
	const ok = ""
	tests := []struct {
		name  string
		state migrate.State
		// want: promote, pause, resume, rollback, abort
		want [5]string
	}{
		{"not started", base(migrate.StagePending, nil), [5]string{
			"the migration has not started", "the migration has not started", "the migration has not started",
			"the migration has not started", "the migration has not started"}},
		{"shift, healthy", base(migrate.StageShift, nil), [5]string{
			ok, ok, "the migration is not paused and waits for nobody", ok, ok}},
		{"preview before parity", base(migrate.StagePreview, func(s *migrate.State) { s.Parity = migrate.ParityResult{} }), [5]string{
			"parity between the two sides has not passed yet", ok, "the migration is not paused and waits for nobody", ok, ok}},
		{"shift, paused", base(migrate.StageShift, func(s *migrate.State) { s.Paused = true }), [5]string{
			"the migration is paused; resume it first", "the migration is already paused", ok, ok, ok}},
		{"shift, waiting for the operator", base(migrate.StageShift, func(s *migrate.State) { s.Paused, s.Alert = true, "refused" }), [5]string{
			"the migration waits for the operator; resume first", "the migration is already paused", ok, ok, ok}},
		{"shift, change in flight", base(migrate.StageShift, func(s *migrate.State) { s.Pending = []migrate.Action{{Kind: migrate.SetWeights}} }), [5]string{
			"a DNS change is still in flight", ok, "the migration is not paused and waits for nobody", ok, ok}},
		{"shift, cluster failing", base(migrate.StageShift, func(s *migrate.State) {
			s.Health[migrate.Cluster] = migrate.SideHealth{Status: migrate.GateFail}
		}), [5]string{"the cluster gate is failing", ok, "the migration is not paused and waits for nobody", ok, ok}},
		{"shift after a restart, no verdict yet", base(migrate.StageShift, func(s *migrate.State) {
			s.Health[migrate.Cluster] = migrate.SideHealth{Status: migrate.GateUnknown}
		}), [5]string{ok, ok, "the migration is not paused and waits for nobody", ok, ok}},
		{"drain", base(migrate.StageDrain, nil), [5]string{
			"nothing to promote in stage drain", "nothing to pause in stage drain: no promotion is left",
			"the migration is not paused and waits for nobody", ok, ok}},
		{"rolling back", base(migrate.StageRollingBack, nil), [5]string{
			"nothing to promote in stage rolling-back", "nothing to pause in stage rolling-back: no promotion is left",
			"the migration is not paused and waits for nobody", "the migration is already rolling back", ok}},
		{"done", base(migrate.StageDone, nil), [5]string{
			"the migration has ended (done)", "the migration has ended (done)", "the migration has ended (done)",
			"the migration has ended (done)", "the migration has ended (done)"}},
		{"aborted: only rollback", base(migrate.StageAborted, nil), [5]string{
			"the migration has ended (aborted)", "the migration has ended (aborted)", "the migration has ended (aborted)",
			ok, "the migration has ended (aborted)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := migrate.Allowed(tt.state)
			want := map[migrate.CommandKind]string{}
			for i, k := range migrate.Commands() {
				want[k] = tt.want[i]
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("Allowed (-want +got):\n%s", d)
			}
		})
	}
}
