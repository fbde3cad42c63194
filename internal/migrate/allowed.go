package migrate

import "fmt"

// commandOrder is every operator command, in the order a person reads them.
var commandOrder = [...]CommandKind{Promote, Pause, Resume, Rollback, Abort}

// Commands returns every operator command, in the order a person reads
// them (promote, pause, resume, rollback, abort).
func Commands() []CommandKind { return commandOrder[:] }

// Allowed says, for every operator command, why the migration in s would
// refuse it or do nothing with it now; an empty reason means the command
// is allowed. It is the engine's own rule (command.go, Control's ended), as
// a pure function for views that must show a refusal before anyone asks,
// such as the dashboard's disabled buttons.
func Allowed(s State) map[CommandKind]string {
	out := make(map[CommandKind]string, len(commandOrder))
	for _, k := range commandOrder {
		out[k] = refusal(s, k)
	}
	return out
}

func refusal(s State, k CommandKind) string {
	switch {
	case s.Stage == StagePending:
		return "the migration has not started"
	case ended(s, k):
		return fmt.Sprintf("the migration has ended (%s)", s.Stage)
	}
	switch k {
	case Promote:
		return promoteRefusal(s)
	case Pause:
		return pauseRefusal(s)
	case Resume:
		if !s.Paused && s.Alert == "" && s.Drift == nil {
			return "the migration is not paused and waits for nobody"
		}
	case Rollback:
		if s.Stage == StageRollingBack {
			return "the migration is already rolling back"
		}
	}
	return ""
}

// promoteRefusal mirrors machine.promote; a promotion while the cluster
// gate has no verdict yet is allowed: it waits for fresh probes.
func promoteRefusal(s State) string {
	switch {
	case s.Alert != "":
		return "the migration waits for the operator; resume first"
	case len(s.Pending) > 0:
		return "a DNS change is still in flight"
	case s.Paused:
		return "the migration is paused; resume it first"
	case s.Stage != StagePreview && s.Stage != StageShift:
		return fmt.Sprintf("nothing to promote in stage %s", s.Stage)
	case s.Health[Cluster].Status == GateFail:
		return "the cluster gate is failing"
	case s.Stage == StagePreview && !s.Parity.OK():
		return "parity between the two sides has not passed yet"
	}
	return ""
}

// pauseRefusal: pause stops promotion, so it means something only while
// there is promotion left to stop.
func pauseRefusal(s State) string {
	switch {
	case s.Paused:
		return "the migration is already paused"
	case s.Stage != StagePreview && s.Stage != StageShift:
		return fmt.Sprintf("nothing to pause in stage %s: no promotion is left", s.Stage)
	}
	return ""
}
