package deploy

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"ferry.dev/ferry/internal/render"
	"ferry.dev/ferry/internal/spec"
)

// Request is one deploy.
type Request struct {
	File *spec.File
	// Service limits the deploy (and its pruning) to one service.
	Service string
	// DryRun computes the changes with a server-side dry run; nothing is
	// changed and nothing recorded.
	DryRun bool
	// Wait watches rollouts; without it a deploy succeeds once applied.
	Wait bool
	// Timeout bounds the rollouts (0: no bound beyond ctx).
	Timeout time.Duration
	// Atomic puts the previous revision back when the rollout fails.
	Atomic bool
	// ForceConflicts takes fields other managers own.
	ForceConflicts bool
	// RollbackOf is the revision whose file this puts back: the deploy is
	// recorded as a rollback, a new revision even when the latest holds
	// the same file.
	RollbackOf int
}

// Result is what a deploy did.
type Result struct {
	// Revision is the revision recorded, or the current one when nothing
	// changed (Unchanged), or 0 for a dry run.
	Revision  int  `json:"revision"`
	Unchanged bool `json:"unchanged"`
	// Applied is every object of the file; Sent counts those that were
	// not already in place and so were applied.
	Applied []Ref `json:"objects"`
	Sent    int   `json:"sent"`
	Pruned  []Ref `json:"pruned"`
	// Changes are a dry run's findings.
	Changes []Change `json:"changes,omitempty"`
	// RolledBackTo is the revision an atomic deploy put back after failing.
	RolledBackTo int `json:"rolledBackTo,omitempty"`
	// History is the release's revisions once the deploy is recorded,
	// oldest first, as History would list them (not for dry runs or
	// failed deploys): the caller need not ask again.
	History []Revision `json:"-"`
}

// Run deploys req.File: apply, prune, wait, record. Rendering and mapping
// happen before anything is sent, so a file the cluster cannot take fails
// with nothing changed.
func (d *Deployer) Run(ctx context.Context, req Request) (Result, error) {
	objs, err := d.plan(req)
	if err != nil {
		return Result{}, err
	}
	if req.DryRun {
		return d.dryRun(ctx, req, objs)
	}
	st, err := d.readState(ctx, objs)
	if err != nil {
		return Result{}, err
	}
	revs := st.revs
	opts := applyOptions{force: req.ForceConflicts, applied: &appliedGenerations{}}
	var watch *pendingWatch
	if req.Wait {
		// Watch from the start: the informers list and connect while the
		// objects are sent, and the controllers' first changes are not missed.
		watch = d.watchRollouts(ctx, deployments(objs))
		defer watch.stop()
	}
	res, err := d.applyAndPrune(ctx, req, objs, st, opts)
	if err != nil {
		return res, err
	}
	if req.Wait {
		if err := d.wait(ctx, req, watch, deployments(objs), opts.applied); err != nil {
			return d.failed(ctx, req, revs, res, err)
		}
	}
	return d.finish(ctx, req, revs, res)
}

// plan renders the file and maps every object to its resource.
func (d *Deployer) plan(req Request) ([]object, error) {
	rendered, err := render.Render(req.File, render.Options{Service: req.Service})
	if err != nil {
		return nil, fmt.Errorf("rendering %s: %w", req.File.Path, err)
	}
	return prepare(d.client.Mapper, rendered)
}

// state is what a deploy reads before it changes anything.
type state struct {
	revs      []Revision
	inventory []Ref
	rv        string // the inventory's resourceVersion
	live      map[string]*unstructured.Unstructured
}

// readState reads the history, the inventory and the live objects all at
// once: none depends on another, and each is a round trip.
func (d *Deployer) readState(ctx context.Context, objs []object) (state, error) {
	var st state
	var histErr, invErr error
	var wg sync.WaitGroup
	wg.Go(func() { st.revs, histErr = d.History(ctx) })
	wg.Go(func() { st.inventory, st.rv, invErr = d.readInventory(ctx) })
	wg.Go(func() { st.live = d.readLive(ctx, objs) })
	wg.Wait()
	if histErr != nil {
		return state{}, histErr
	}
	return st, invErr
}

func (d *Deployer) applyAndPrune(ctx context.Context, req Request, objs []object, st state, opts applyOptions) (Result, error) {
	desired := refsOf(objs)
	inventory, rv := st.inventory, st.rv
	// Namespaces first: the records namespace may be one of them. They
	// are never pruned, so the inventory need not know them yet.
	namespaces, rest := splitNamespaces(objs)
	sentNS, err := d.applyAll(ctx, namespaces, st.live, opts)
	if err != nil {
		return Result{}, err
	}
	// Widen before applying: if ferry dies meanwhile, the inventory still
	// names every object it may have created.
	if wide := slices.Concat(inventory, desired); rv == "" || !sameRefs(wide, inventory) {
		if rv, err = d.writeInventory(ctx, wide, rv); err != nil {
			return Result{}, err
		}
	}
	sent, err := d.applyAll(ctx, rest, st.live, opts)
	if err != nil {
		return Result{}, err
	}
	res := Result{Applied: desired, Sent: sentNS + sent}
	gone, err := d.prune(ctx, PruneCandidates(inventory, desired), req.Service, false)
	res.Pruned = gone
	if err != nil {
		return res, err
	}
	if final := slices.Concat(without(inventory, gone), desired); !sameRefs(final, slices.Concat(inventory, desired)) {
		if _, err := d.writeInventory(ctx, final, rv); err != nil {
			return res, err
		}
	}
	return res, nil
}

func splitNamespaces(objs []object) (namespaces, rest []object) {
	for _, o := range objs {
		if o.ref.isNamespace() {
			namespaces = append(namespaces, o)
		} else {
			rest = append(rest, o)
		}
	}
	return namespaces, rest
}

func without(refs, drop []Ref) []Ref {
	gone := map[string]bool{}
	for _, r := range drop {
		gone[r.key()] = true
	}
	var out []Ref
	for _, r := range refs {
		if !gone[r.key()] {
			out = append(out, r)
		}
	}
	return out
}

// deployments are the Deployments among objs: what a deploy waits for.
func deployments(objs []object) []Ref {
	var deps []Ref
	for _, o := range objs {
		if o.ref.Kind == "Deployment" && o.ref.GVK().Group == "apps" {
			deps = append(deps, o.ref)
		}
	}
	return deps
}

func (d *Deployer) wait(ctx context.Context, req Request, watch *pendingWatch, deps []Ref, applied *appliedGenerations) error {
	if req.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, req.Timeout)
		defer cancel()
	}
	return d.waitRollouts(ctx, watch, deps, applied)
}

// failed handles a failed rollout: with Atomic, the previous revision is
// applied again and watched; the deploy still fails, saying so.
func (d *Deployer) failed(ctx context.Context, req Request, revs []Revision, res Result, cause error) (Result, error) {
	prev := latest(revs)
	if !req.Atomic {
		return res, cause
	}
	if prev == nil {
		return res, fmt.Errorf("%w\n--atomic: nothing to roll back to, this was the release's first deploy", cause)
	}
	d.observe(Event{Kind: EventRollback, Revision: prev.Number})
	back, err := d.requestFor(*prev, req)
	if err == nil {
		// The previous revision again is that revision, not a new one.
		back.Atomic, back.RollbackOf = false, 0
		_, err = d.Run(context.WithoutCancel(ctx), back)
	}
	if err != nil {
		return res, fmt.Errorf("%w\n--atomic: rolling back to revision %d failed too: %w", cause, prev.Number, err)
	}
	res.RolledBackTo = prev.Number
	return res, fmt.Errorf("%w\n--atomic: rolled back to revision %d", cause, prev.Number)
}

// finish records the deploy as a new revision, unless it applied exactly
// what the latest revision already holds (as a rollback, the same one:
// a controller applying its rollback again records it once).
func (d *Deployer) finish(ctx context.Context, req Request, revs []Revision, res Result) (Result, error) {
	prev := latest(revs)
	if prev != nil && (req.RollbackOf == 0 || req.RollbackOf == prev.RollbackOf) && prev.Service == req.Service && bytes.Equal(prev.Source, req.File.Source) {
		res.Revision, res.Unchanged, res.History = prev.Number, true, revs
		return res, nil
	}
	r := Revision{
		Number: 1, Time: d.now().UTC().Truncate(time.Second), User: d.client.User, FerryVersion: d.version,
		Path: req.File.Path, Service: req.Service, RollbackOf: req.RollbackOf,
		Objects: sortedRefs(res.Applied), DeployID: newID(), Source: req.File.Source,
	}
	if prev != nil {
		r.Number = prev.Number + 1
	}
	if err := d.record(ctx, r); err != nil {
		return res, err
	}
	res.Revision, res.History = r.Number, append(slices.Clone(revs), r)
	return res, nil
}

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

func (d *Deployer) dryRun(ctx context.Context, req Request, objs []object) (Result, error) {
	changes, err := d.diff(ctx, objs, req.ForceConflicts)
	if err != nil {
		return Result{}, err
	}
	inventory, _, err := d.readInventory(ctx)
	if err != nil {
		return Result{}, err
	}
	gone, err := d.prune(ctx, PruneCandidates(inventory, refsOf(objs)), req.Service, true)
	if err != nil {
		return Result{}, err
	}
	for _, r := range gone {
		if live, err := d.getLive(ctx, r); err == nil && live != nil {
			changes = append(changes, Change{Ref: r, Action: "delete"})
		}
	}
	return Result{Changes: changes}, nil
}

// ErrNoRevision is returned when a rollback has nothing to go back to.
var ErrNoRevision = errors.New("no such revision")

// requestFor rebuilds the request that deploys a recorded revision.
func (d *Deployer) requestFor(r Revision, like Request) (Request, error) {
	f, err := spec.LoadFile("-", bytes.NewReader(r.Source))
	if err != nil {
		return Request{}, fmt.Errorf("reading revision %d's file: %w", r.Number, err)
	}
	f.Path = r.Path
	return Request{
		File: f, Service: r.Service, Wait: like.Wait, Timeout: like.Timeout,
		ForceConflicts: like.ForceConflicts, RollbackOf: r.Number,
	}, nil
}

// Rollback deploys revision to again (0: the one before the latest) and
// records it as a new revision.
func (d *Deployer) Rollback(ctx context.Context, to int, like Request) (Result, error) {
	req, err := d.RollbackRequest(ctx, to, like)
	if err != nil {
		return Result{}, err
	}
	d.observe(Event{Kind: EventRollback, Revision: req.RollbackOf})
	return d.Run(ctx, req)
}

// RollbackRequest is the deploy that puts revision to back (0: the one
// before the latest), with like's options: its File is the file that
// revision recorded. ErrNoRevision when there is no such revision.
func (d *Deployer) RollbackRequest(ctx context.Context, to int, like Request) (Request, error) {
	revs, err := d.History(ctx)
	if err != nil {
		return Request{}, err
	}
	target, err := pickRollback(revs, to)
	if err != nil {
		return Request{}, err
	}
	return d.requestFor(target, like)
}

// pickRollback chooses the revision a rollback goes to.
func pickRollback(revs []Revision, to int) (Revision, error) {
	if to == 0 {
		if len(revs) < 2 {
			return Revision{}, fmt.Errorf("%w: the release has %d revision(s), nothing before the latest", ErrNoRevision, len(revs))
		}
		return revs[len(revs)-2], nil
	}
	for _, r := range revs {
		if r.Number == to {
			return r, nil
		}
	}
	return Revision{}, fmt.Errorf("%w: revision %d is not in the history", ErrNoRevision, to)
}
