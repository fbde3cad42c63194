package incluster

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/kube/objclient"
	"ferry.dev/ferry/internal/migrate"
)

// Condition types and reasons the controller writes on a Migration.
const (
	condRunning     = "Running"
	condValid       = "Valid"
	reasonLeaseHeld = "LeaseHeld"
	reasonNeedsOp   = "NeedsOperator"
	reasonRunEnded  = "Ended"
)

// Started is what StartMigration did.
type Started struct {
	Object *v1alpha1.MigrationResource
	// Created: the object is new (or replaced one whose migration had
	// ended, Replaced names that one's stage).
	Created  bool
	Replaced migrate.Stage
	// Changed: the object was there, running, and the file's settings
	// differ from its; the migration keeps the settings it started with.
	Changed bool
}

// Key is where want lives.
func Key(m *v1alpha1.MigrationResource) types.NamespacedName {
	return types.NamespacedName{Namespace: m.Namespace, Name: m.Name}
}

// StartMigration creates want, or finds the Migration of that name there:
// one of another domain is not this migration's (*NotOwnedError); one that
// ended is deleted (on the condition that it is still the object read)
// and want created in its place, as "ferry migrate start" starts a new
// migration after one ended; one still going is left as it is, running.
func (c *Client) StartMigration(ctx context.Context, want *v1alpha1.MigrationResource) (Started, error) {
	have := &v1alpha1.MigrationResource{}
	err := c.C.Get(ctx, Key(want), have)
	switch {
	case apierrors.IsNotFound(err):
		return c.create(ctx, want, "")
	case err != nil:
		return Started{}, fmt.Errorf("reading Migration %s: %w", Key(want), err)
	case have.Spec.Domain != want.Spec.Domain:
		return Started{}, &NotOwnedError{Migration: Key(want).String(),
			Why: fmt.Sprintf("it migrates %s, not %s", have.Spec.Domain, want.Spec.Domain)}
	case endedFor(have):
		rv, uid := have.ResourceVersion, have.UID
		err := c.C.Delete(ctx, have, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{ResourceVersion: &rv, UID: &uid}})
		if err != nil && !apierrors.IsNotFound(err) {
			return Started{}, fmt.Errorf("replacing Migration %s, which ended %s: %w", Key(want), have.Status.Stage, err)
		}
		return c.create(ctx, want, migrate.Stage(have.Status.Stage))
	}
	changed := !equalSettings(have.Spec, want.Spec)
	return Started{Object: have, Changed: changed}, nil
}

func (c *Client) create(ctx context.Context, want *v1alpha1.MigrationResource, replaced migrate.Stage) (Started, error) {
	obj := want.DeepCopy()
	if err := c.C.Create(ctx, obj); err != nil {
		return Started{}, fmt.Errorf("creating Migration %s: %w", Key(want), err)
	}
	return Started{Object: obj, Created: true, Replaced: replaced}, nil
}

// endedFor reports whether m's migration is over for good, as the
// controller judges it: a terminal stage, except an abort that a rollback
// command still waits for.
func endedFor(m *v1alpha1.MigrationResource) bool {
	st := migrate.Stage(m.Status.Stage)
	if !st.Terminal() {
		return false
	}
	return st != migrate.StageAborted || !slices.ContainsFunc(m.Spec.Commands, func(c v1alpha1.MigrationCommand) bool {
		return c.Kind == string(migrate.Rollback) && !slices.Contains(m.Status.Acknowledged, c.Name)
	})
}

// equalSettings compares what a file says of a migration, not the
// operator's commands.
func equalSettings(a, b v1alpha1.MigrationSpec) bool {
	a.Commands, b.Commands = nil, nil
	x, errX := json.Marshal(a)
	y, errY := json.Marshal(b)
	return errX == nil && errY == nil && string(x) == string(y)
}

// Migration reads the Migration name; ErrNotFound when there is none.
func (c *Client) Migration(ctx context.Context, name string) (*v1alpha1.MigrationResource, error) {
	m := &v1alpha1.MigrationResource{}
	return m, c.get(ctx, "Migration", name, m)
}

// get reads the object kind name into obj.
func (c *Client) get(ctx context.Context, kind, name string, obj objclient.Object) error {
	key := types.NamespacedName{Namespace: c.Namespace, Name: name}
	if err := c.C.Get(ctx, key, obj); err != nil {
		if apierrors.IsNotFound(err) {
			return fmt.Errorf("%s %s: %w", kind, key, ErrNotFound)
		}
		return fmt.Errorf("reading %s %s: %w", kind, key, err)
	}
	return nil
}

// State is the engine's state in m's status; ok is false while the
// controller has saved none.
func State(m *v1alpha1.MigrationResource) (migrate.State, bool, error) {
	if m.Status.State == nil || len(m.Status.State.Raw) == 0 {
		return migrate.State{}, false, nil
	}
	var s migrate.State
	if err := json.Unmarshal(m.Status.State.Raw, &s); err != nil {
		return migrate.State{}, false, fmt.Errorf("decoding the state of Migration %s: %w", Key(m), err)
	}
	return s, true, nil
}

// Runner names the controller replica running m, "" when none does.
func Runner(m *v1alpha1.MigrationResource) string {
	if c := meta.FindStatusCondition(m.Status.Conditions, condRunning); c != nil && c.Status == "True" {
		return m.Status.Holder
	}
	return ""
}

// notOwned is the *NotOwnedError for m when the controller cannot run it
// because the domain's ownership lease is held outside the cluster.
func notOwned(m *v1alpha1.MigrationResource) error {
	c := meta.FindStatusCondition(m.Status.Conditions, condRunning)
	if c == nil || c.Status == "True" || c.Reason != reasonLeaseHeld {
		return nil
	}
	return &NotOwnedError{Migration: Key(m).String(), Why: c.Message}
}
