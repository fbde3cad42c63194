package deploy

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"

	"ferry.dev/ferry/internal/render"
)

// RolloutError is a rollout that failed or did not finish in time.
type RolloutError struct {
	// Rollouts are the Deployments that are not done, with their pods.
	Rollouts []Rollout
	// TimedOut is set when the deadline passed before a verdict.
	TimedOut bool
}

func (e *RolloutError) Error() string {
	var b strings.Builder
	for i, r := range e.Rollouts {
		if i > 0 {
			b.WriteString("\n")
		}
		verdict := "failed: " + r.Reason
		if !r.Failed {
			verdict = fmt.Sprintf("not finished in time (%d/%d updated, %d available)", r.Updated, r.Desired, r.Available)
		}
		fmt.Fprintf(&b, "rollout of Deployment %s/%s %s", r.Namespace, r.Name, verdict)
		for _, p := range r.Pods {
			fmt.Fprintf(&b, "\n  pod %s: %s: %s", p.Pod, p.Reason, strings.TrimSpace(p.Message))
			for _, ev := range p.Events {
				fmt.Fprintf(&b, "\n    event: %s", ev)
			}
		}
	}
	return b.String()
}

// watcher holds informers over the namespaces of the Deployments it waits for.
type watcher struct {
	deps    map[string]cache.GenericLister // by namespace
	rss     map[string]cache.GenericLister
	pods    map[string]cache.GenericLister
	changed chan struct{}
}

// pendingWatch is a watcher starting in the background: a deploy starts
// watching before it applies, so the informers list and connect while the
// objects are sent rather than after.
type pendingWatch struct {
	ready chan struct{} // closed once w or err is set
	w     *watcher
	err   error
	stop  context.CancelFunc
}

// watchRollouts starts watching the Deployments in deps; stop the result
// when done with it.
func (d *Deployer) watchRollouts(ctx context.Context, deps []Ref) *pendingWatch {
	wctx, stop := context.WithCancel(ctx)
	p := &pendingWatch{ready: make(chan struct{}), stop: stop}
	go func() {
		defer close(p.ready)
		p.w, p.err = d.startWatcher(wctx, deps)
	}()
	return p
}

// waitRollouts waits, with the watcher p started, until every Deployment
// in deps has its new ReplicaSet Available, one fails, or ctx ends.
// Informers watch (not poll) and re-list by themselves when the connection
// drops. Since p may have started before the objects were applied, a
// Deployment counts only once its cached generation has reached the one in
// applied (see appliedGenerations).
func (d *Deployer) waitRollouts(ctx context.Context, p *pendingWatch, deps []Ref, applied *appliedGenerations) error {
	if len(deps) == 0 {
		return nil
	}
	select {
	case <-p.ready:
	case <-ctx.Done():
		return &RolloutError{Rollouts: d.withEvents(ctx, notSeen(deps)), TimedOut: true}
	}
	if p.err != nil {
		return p.err
	}
	tick := time.NewTicker(time.Second) // re-judges time-based verdicts from the cache
	defer tick.Stop()
	last := map[string]Rollout{}
	for {
		pending, failed := d.judge(p.w.evaluate(deps, applied, d.now()), last)
		if len(failed) > 0 {
			return &RolloutError{Rollouts: d.withEvents(ctx, failed)}
		}
		if len(pending) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return &RolloutError{Rollouts: d.withEvents(ctx, pending), TimedOut: true}
		case <-p.w.changed:
		case <-tick.C:
		}
	}
}

// judge sorts rollouts into pending and failed, reporting each whose
// progress changed since last.
func (d *Deployer) judge(rollouts []Rollout, last map[string]Rollout) (pending, failed []Rollout) {
	for _, r := range rollouts {
		key := r.Namespace + "/" + r.Name
		if prev, ok := last[key]; r.Reason != notSeenYet && (!ok || progressChanged(prev, r)) {
			d.observe(Event{Kind: EventRollout, Rollout: r})
			last[key] = r
		}
		switch {
		case r.Failed:
			failed = append(failed, r)
		case !r.Done:
			pending = append(pending, r)
		}
	}
	return pending, failed
}

// notSeenYet is the reason of a Deployment the watch has not seen as
// applied: a verdict of nothing yet, and no progress to report.
const notSeenYet = "not seen yet"

func notSeen(deps []Ref) []Rollout {
	out := make([]Rollout, len(deps))
	for i, ref := range deps {
		out[i] = Rollout{Namespace: ref.Namespace, Name: ref.Name, Reason: notSeenYet}
	}
	return out
}

// progressChanged reports whether b is worth a new progress event after a:
// counts, verdicts, or which pods wait and why (a pod going from Pending to
// running-but-not-Ready is news even though no count moved).
func progressChanged(a, b Rollout) bool {
	return a.Updated != b.Updated || a.Ready != b.Ready || a.Available != b.Available ||
		a.Done != b.Done || a.Failed != b.Failed || a.Desired != b.Desired ||
		!slices.EqualFunc(a.Pods, b.Pods, func(x, y PodProblem) bool { return x.Pod == y.Pod && x.Reason == y.Reason })
}

func (d *Deployer) startWatcher(ctx context.Context, deps []Ref) (*watcher, error) {
	w := &watcher{
		deps: map[string]cache.GenericLister{}, rss: map[string]cache.GenericLister{},
		pods: map[string]cache.GenericLister{}, changed: make(chan struct{}, 1),
	}
	notify := cache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { w.poke() },
		UpdateFunc: func(any, any) { w.poke() },
		DeleteFunc: func(any) { w.poke() },
	}
	var factories []informers.SharedInformerFactory
	for _, ns := range namespacesOf(deps) {
		f := informers.NewSharedInformerFactoryWithOptions(d.client.Typed, 0, informers.WithNamespace(ns),
			informers.WithTweakListOptions(func(o *metav1.ListOptions) {
				o.LabelSelector = render.ManagedByLabel + "=" + render.ManagedBy
			}))
		for _, inf := range []cache.SharedIndexInformer{f.Apps().V1().Deployments().Informer(), f.Apps().V1().ReplicaSets().Informer(), f.Core().V1().Pods().Informer()} {
			if _, err := inf.AddEventHandler(notify); err != nil {
				return nil, fmt.Errorf("watching namespace %s: %w", ns, err)
			}
			// Informers re-list on their own; say so instead of logging.
			if err := inf.SetWatchErrorHandlerWithContext(func(_ context.Context, _ *cache.Reflector, err error) {
				d.retryNote(fmt.Errorf("watching namespace %s: %w", ns, err))
			}); err != nil {
				return nil, fmt.Errorf("watching namespace %s: %w", ns, err)
			}
		}
		w.deps[ns] = cache.NewGenericLister(f.Apps().V1().Deployments().Informer().GetIndexer(), appsv1.Resource("deployments"))
		w.rss[ns] = cache.NewGenericLister(f.Apps().V1().ReplicaSets().Informer().GetIndexer(), appsv1.Resource("replicasets"))
		w.pods[ns] = cache.NewGenericLister(f.Core().V1().Pods().Informer().GetIndexer(), corev1.Resource("pods"))
		f.Start(ctx.Done())
		factories = append(factories, f)
	}
	for _, f := range factories {
		for typ, ok := range f.WaitForCacheSync(ctx.Done()) {
			if !ok {
				return nil, fmt.Errorf("watching %v: %w", typ, errors.Join(ctx.Err(), errors.New("caches did not sync")))
			}
		}
	}
	return w, nil
}

func (w *watcher) poke() {
	select {
	case w.changed <- struct{}{}:
	default:
	}
}

func namespacesOf(refs []Ref) []string {
	var out []string
	for _, r := range refs {
		if !slices.Contains(out, r.Namespace) {
			out = append(out, r.Namespace)
		}
	}
	return out
}

// evaluate judges every awaited Deployment from the informers' caches. A
// Deployment whose cached generation is older than what was applied is
// "not seen yet": its verdict would be the previous revision's.
func (w *watcher) evaluate(deps []Ref, applied *appliedGenerations, now time.Time) []Rollout {
	out := make([]Rollout, 0, len(deps))
	owned := map[string]ownerIndex{} // by namespace, built on first need
	for _, ref := range deps {
		obj, err := w.deps[ref.Namespace].ByNamespace(ref.Namespace).Get(ref.Name)
		dep, ok := obj.(*appsv1.Deployment)
		if err != nil || !ok || dep.Generation < applied.get(ref) {
			out = append(out, Rollout{Namespace: ref.Namespace, Name: ref.Name, Reason: notSeenYet})
			continue
		}
		idx, ok := owned[ref.Namespace]
		if !ok {
			idx = w.index(ref.Namespace)
			owned[ref.Namespace] = idx
		}
		rss := idx.rss[dep.UID]
		var pods []*corev1.Pod
		for _, rs := range rss {
			pods = append(pods, idx.pods[rs.UID]...)
		}
		out = append(out, Evaluate(dep, rss, pods, now))
	}
	return out
}

// ownerIndex is a namespace's ReplicaSets and pods by owner, so judging
// each Deployment reads only its own instead of the whole namespace.
type ownerIndex struct {
	rss  map[types.UID][]*appsv1.ReplicaSet
	pods map[types.UID][]*corev1.Pod
}

func (w *watcher) index(ns string) ownerIndex {
	idx := ownerIndex{rss: map[types.UID][]*appsv1.ReplicaSet{}, pods: map[types.UID][]*corev1.Pod{}}
	rsObjs, _ := w.rss[ns].ByNamespace(ns).List(labels.Everything())
	for _, o := range rsObjs {
		if rs, ok := o.(*appsv1.ReplicaSet); ok {
			for _, ref := range rs.OwnerReferences {
				idx.rss[ref.UID] = append(idx.rss[ref.UID], rs)
			}
		}
	}
	podObjs, _ := w.pods[ns].ByNamespace(ns).List(labels.Everything())
	for _, o := range podObjs {
		if p, ok := o.(*corev1.Pod); ok {
			for _, ref := range p.OwnerReferences {
				idx.pods[ref.UID] = append(idx.pods[ref.UID], p)
			}
		}
	}
	return idx
}

// withEvents adds each problem pod's warning events. It runs after ctx may
// have ended (a timeout), so it takes a short deadline of its own.
func (d *Deployer) withEvents(ctx context.Context, rs []Rollout) []Rollout {
	ectx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	for i := range rs {
		for j := range rs[i].Pods {
			p := &rs[i].Pods[j]
			sel := fields.Set{"involvedObject.kind": "Pod", "involvedObject.name": p.Pod}.AsSelector().String()
			evs, err := d.client.Typed.CoreV1().Events(rs[i].Namespace).List(ectx, metav1.ListOptions{FieldSelector: sel})
			if err != nil {
				continue // the verdict stands without the events
			}
			slices.SortFunc(evs.Items, func(a, b corev1.Event) int { return a.LastTimestamp.Compare(b.LastTimestamp.Time) })
			for _, ev := range evs.Items {
				line := fmt.Sprintf("%s: %s", ev.Reason, strings.TrimSpace(ev.Message))
				if ev.Type == corev1.EventTypeWarning && !slices.Contains(p.Events, line) {
					p.Events = append(p.Events, line)
				}
			}
			if len(p.Events) > 3 {
				p.Events = p.Events[len(p.Events)-3:]
			}
		}
	}
	return rs
}
