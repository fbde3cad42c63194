package deploy

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
)

// applyWorkers bounds concurrent requests: enough that the API server,
// not the round trips, sets the pace (16 left it idle between answers),
// few enough not to crowd a small apiserver.
const applyWorkers = 64

// ConflictError is a field-manager conflict: another manager owns a field
// the file sets. ferry does not take it unless told (--force-conflicts).
type ConflictError struct {
	Ref Ref
	Err error // the apiserver's message names the manager and the fields
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("applying %s: %v; another field manager owns these fields: change them back with that manager, or rerun with --force-conflicts to take them", e.Ref, e.Err)
}

func (e *ConflictError) Unwrap() error { return e.Err }

// applyOptions are how objects are sent.
type applyOptions struct {
	dryRun bool
	force  bool
	// applied, if set, hears the generation of every object applied or
	// found in place.
	applied *appliedGenerations
}

// appliedGenerations are the generations objects had once applied (or
// found in place), by Ref.key: a watch started before applying has seen
// the change once its copy has reached that generation.
type appliedGenerations struct {
	mu  sync.Mutex
	gen map[string]int64
}

func (a *appliedGenerations) set(ref Ref, gen int64) {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.gen == nil {
		a.gen = map[string]int64{}
	}
	a.gen[ref.key()] = gen
}

// get is the generation recorded for ref, 0 if none.
func (a *appliedGenerations) get(ref Ref) int64 {
	if a == nil {
		return 0
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.gen[ref.key()]
}

// applyAll server-side applies objs: Namespaces first, then the rest
// concurrently. Objects already in place (see InPlace) in live, as
// liveObjects lists them, are not sent; it returns how many were.
func (d *Deployer) applyAll(ctx context.Context, objs []object, live map[string]*unstructured.Unstructured, opts applyOptions) (int, error) {
	var first, rest []object
	for _, o := range objs {
		switch {
		case InPlace(o.obj, live[o.ref.key()]):
			opts.applied.set(o.ref, live[o.ref.key()].GetGeneration())
			d.observe(Event{Kind: EventUnchanged, Ref: o.ref})
		case o.ref.isNamespace():
			first = append(first, o)
		default:
			rest = append(rest, o)
		}
	}
	// What pods need (service accounts, secrets, config) goes first, then
	// the workloads, then the rest: the controllers start on the pods while
	// the Services, budgets and Ingresses are still being sent.
	slices.SortStableFunc(rest, func(a, b object) int { return cmp.Compare(applyRank(a.ref), applyRank(b.ref)) })
	for _, batch := range [][]object{first, rest} {
		if err := d.applyBatch(ctx, batch, opts); err != nil {
			return 0, err
		}
	}
	return len(first) + len(rest), nil
}

// applyRank orders objects within a batch: what pods use, workloads, the rest.
func applyRank(r Ref) int {
	switch r.GVK().GroupKind().String() {
	case "ServiceAccount", "Secret", "ConfigMap":
		return 0
	case "Deployment.apps":
		return 1
	}
	return 2
}

// applyBatch applies objs concurrently. The first failure stops the
// rest, so a terminal error is reported at once rather than after every
// other object has used up its retries.
func (d *Deployer) applyBatch(ctx context.Context, objs []object, opts applyOptions) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(objs))
	sem := make(chan struct{}, applyWorkers)
	var wg sync.WaitGroup
	for i := range objs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if ctx.Err() != nil {
				return
			}
			if _, errs[i] = d.applyOne(ctx, objs[i], opts); errs[i] != nil && ctx.Err() == nil {
				cancel()
			}
		})
	}
	wg.Wait()
	return firstCauses(errs)
}

// firstCauses joins the errors that are not merely the cancellation the
// first failure caused.
func firstCauses(errs []error) error {
	var causes, cancelled []error
	for _, err := range errs {
		switch {
		case err == nil:
		case errors.Is(err, context.Canceled):
			cancelled = append(cancelled, err)
		default:
			causes = append(causes, err)
		}
	}
	if len(causes) == 0 && len(cancelled) > 0 {
		return cancelled[0]
	}
	return errors.Join(causes...)
}

// applyOne applies o. A dry run is answered with the whole object (a diff
// reads it); a real apply asks for the object's metadata alone, all that
// is read of the answer, which spares decoding the rest: the largest part
// of an apply's cost on this side.
func (d *Deployer) applyOne(ctx context.Context, o object, opts applyOptions) (*unstructured.Unstructured, error) {
	po := metav1.PatchOptions{FieldManager: FieldManager, Force: &opts.force}
	if opts.dryRun {
		po.DryRun = []string{metav1.DryRunAll}
	}
	body, err := json.Marshal(o.obj.Object)
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w", o.ref, err)
	}
	var whole *unstructured.Unstructured   // a dry run's answer
	var meta *metav1.PartialObjectMetadata // a real apply's
	err = retry(ctx, d.backoff, d.retryNote, func(ctx context.Context) error {
		var err error
		if opts.dryRun {
			whole, err = d.client.Dynamic.Resource(o.resource).Namespace(o.ref.Namespace).Patch(ctx, o.ref.Name, types.ApplyPatchType, body, po)
		} else {
			meta, err = d.client.Metadata.Resource(o.resource).Namespace(o.ref.Namespace).Patch(ctx, o.ref.Name, types.ApplyPatchType, body, po)
		}
		return err
	})
	switch {
	case err == nil:
		if !opts.dryRun {
			opts.applied.set(o.ref, meta.GetGeneration())
			d.observe(Event{Kind: EventApplied, Ref: o.ref, ResourceVersion: meta.GetResourceVersion()})
		}
		return whole, nil
	case apierrors.IsConflict(err):
		return nil, &ConflictError{Ref: o.ref, Err: err}
	default:
		return nil, fmt.Errorf("applying %s: %w", o.ref, err)
	}
}
