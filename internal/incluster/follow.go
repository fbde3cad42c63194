package incluster

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/migrate"
)

// Stop says why following a migration ended.
type Stop int

// Why following stops.
const (
	// Ended: the migration reached a terminal stage.
	Ended Stop = iota
	// Paused: the operator paused it; the controller keeps watching.
	Paused
	// NeedsOperator: it waits for resume or rollback (State.Alert).
	NeedsOperator
	// Halted: the controller stopped running it for a reason of its own
	// (Reason, Message: a refused record, a provider away); it retries
	// those that may pass.
	Halted
)

// Outcome is where a followed migration stands when following ends.
type Outcome struct {
	Stop   Stop
	State  migrate.State
	Object *v1alpha1.MigrationResource
	// Reason and Message are the controller's Running condition, for Halted.
	Reason, Message string
}

// FollowMigration reads from's Migration every poll interval and calls
// observe with each state the controller saves, until the migration ends,
// is paused, waits for the operator, or the controller halts it; or ctx
// ends (its error, with the last outcome). A controller condition that
// was there already in from is not news. A Migration on which nothing
// acted within Observe is ErrNoController.
func (c *Client) FollowMigration(ctx context.Context, from *v1alpha1.MigrationResource, observe func(migrate.State)) (Outcome, error) {
	baseline := meta.FindStatusCondition(from.Status.Conditions, condRunning)
	deadline := time.Now().Add(c.observe())
	var out Outcome
	var seen []byte
	err := c.until(ctx, func(ctx context.Context) (bool, error) {
		m, err := c.Migration(ctx, from.Name)
		if err != nil {
			return false, err
		}
		st, ok, err := State(m)
		if err != nil {
			return false, err
		}
		out = Outcome{State: st, Object: m}
		if ok && string(m.Status.State.Raw) != string(seen) {
			seen = m.Status.State.Raw
			observe(st)
		}
		if done, err := judge(&out, ok, baseline); done || err != nil {
			return done, err
		}
		if !ok && len(m.Status.Conditions) == 0 && time.Now().After(deadline) {
			return false, fmt.Errorf("Migration %s: %w within %v", Key(m), ErrNoController, c.observe())
		}
		return false, nil
	})
	return out, err
}

// judge sets out.Stop when the migration in out has stopped moving.
func judge(out *Outcome, hasState bool, baseline *metav1.Condition) (bool, error) {
	m, st := out.Object, out.State
	if v := meta.FindStatusCondition(m.Status.Conditions, condValid); v != nil && v.Status == metav1.ConditionFalse {
		out.Stop, out.Reason, out.Message = Halted, v.Reason, v.Message
		return true, nil
	}
	switch {
	case hasState && st.Stage.Terminal() && !endedFor(m):
		// An abort a rollback command waits for: not over yet.
	case hasState && st.Stage.Terminal():
		out.Stop = Ended
		return true, nil
	case hasState && st.Alert != "":
		out.Stop = NeedsOperator
		return true, nil
	case hasState && st.Paused:
		out.Stop = Paused
		return true, nil
	}
	r := meta.FindStatusCondition(m.Status.Conditions, condRunning)
	if r == nil || r.Status == metav1.ConditionTrue || r.Reason == reasonRunEnded || r.Reason == reasonNeedsOp || sameCondition(r, baseline) {
		return false, nil
	}
	if r.Reason == reasonLeaseHeld {
		return false, notOwned(m)
	}
	out.Stop, out.Reason, out.Message = Halted, r.Reason, r.Message
	return true, nil
}

func sameCondition(a, b *metav1.Condition) bool {
	return b != nil && a.Status == b.Status && a.Reason == b.Reason && a.Message == b.Message && a.LastTransitionTime.Equal(&b.LastTransitionTime)
}
