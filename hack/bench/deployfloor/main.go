// Command deployfloor measures the deploy floor of issue 17: how long the
// cluster needs to make a file's Deployments Available when every object is
// created as fast as the API server accepts it (one concurrent create per
// object, no client rate limit, a watch started before the first create).
// No client can deploy the same objects faster, so ferry, kubectl and helm
// are reported as multiples of it (hack/bench/deploy.sh).
//
// With -ferry it runs ferry's own deploy (the library "ferry deploy" calls)
// beside the same independent watch instead, and breaks its time down:
// apply (until the last object was applied), controllers (from then until
// the watch saw every Deployment Available) and watch latency (from then
// until ferry returned).
//
//	deployfloor -f ferry.yaml -n bench-floor [-ferry]
//	deployfloor -f 'files/*.yaml' -n bench-floor -ssa   # many files' objects in one burst
//
// It prints one line of key=value pairs, milliseconds since it started.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"

	"ferry.dev/ferry/internal/deploy"
	"ferry.dev/ferry/internal/kube"
	"ferry.dev/ferry/internal/render"
	"ferry.dev/ferry/internal/spec"
)

// serverSideApply makes the floor send server-side applies instead of
// creates: what the same burst costs the API server when it must work out
// field ownership, as for every applying client (ferry, kubectl --server-side).
var serverSideApply bool

func main() {
	file := flag.String("f", "ferry.yaml", "service file, or a glob of files whose objects go in one burst")
	ns := flag.String("n", "", "namespace every object goes to (overrides the file's)")
	withFerry := flag.Bool("ferry", false, "deploy with ferry's library instead of plain creates")
	flag.IntVar(&parallel, "parallel", 0, "creates in flight at most (0: every object at once; a burst of thousands needs a bound, or the API server times requests out)")
	flag.BoolVar(&serverSideApply, "ssa", false, "server-side apply (as ferry does) instead of create: the floor of an applying client")
	timeout := flag.Duration("timeout", 10*time.Minute, "give up after")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	if err := run(ctx, *file, *ns, *withFerry); err != nil {
		fmt.Fprintln(os.Stderr, "deployfloor:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, pattern, ns string, withFerry bool) error {
	start := time.Now()
	paths, err := filepath.Glob(pattern)
	if err != nil || len(paths) == 0 {
		paths = []string{pattern} // "-", or a file that is not there: LoadFile says so
	}
	if withFerry && len(paths) > 1 {
		return errors.New("-ferry deploys one file")
	}
	c, err := connect(ns, !withFerry)
	if err != nil {
		return err
	}
	var f *spec.File
	var objs []render.Object
	for _, path := range paths {
		if f, err = spec.LoadFile(path, os.Stdin); err != nil {
			return err
		}
		if ns != "" {
			for i := range f.Services {
				f.Services[i].Namespace = ns
			}
		}
		rendered, err := render.Render(f, render.Options{})
		if err != nil {
			return err
		}
		objs = append(objs, rendered...)
	}
	ready, err := watchAvailable(ctx, c, ns, countDeployments(objs))
	if err != nil {
		return err
	}
	ms := func(t time.Time) int64 { return t.Sub(start).Milliseconds() }
	if withFerry {
		return runFerry(ctx, c, f, ready, ms)
	}
	created, err := createAll(ctx, c, objs)
	if err != nil {
		return err
	}
	at := <-ready
	fmt.Printf("created=%d available=%d total=%d controllers=%d\n", ms(created), ms(at), ms(time.Now()), at.Sub(created).Milliseconds())
	return nil
}

// connect opens clients as "ferry deploy" does, or, for the floor,
// without a client-side rate limit: the floor is what the API server
// accepts, not what a token bucket lets through.
func connect(ns string, unlimited bool) (*kube.Client, error) {
	c, err := kube.Flags{Namespace: ns}.Connect()
	if err != nil || !unlimited {
		return c, err
	}
	cfg := *c.Config
	cfg.QPS, cfg.Burst = -1, 0
	return kube.ForConfig(&cfg, c.Namespace, c.User)
}

func countDeployments(objs []render.Object) int {
	n := 0
	for _, o := range objs {
		if _, ok := o.(*appsv1.Deployment); ok {
			n++
		}
	}
	return n
}

// createAll creates the namespaces, then every other object at once, one
// goroutine each, and returns when the last create has been answered.
func createAll(ctx context.Context, c *kube.Client, objs []render.Object) (time.Time, error) {
	var namespaces, rest []render.Object
	seen := map[string]bool{}
	for _, o := range objs {
		if o.GetObjectKind().GroupVersionKind().Kind == "Namespace" {
			if !seen[o.GetName()] { // every file of a burst may render it
				namespaces = append(namespaces, o)
			}
			seen[o.GetName()] = true
		} else {
			rest = append(rest, o)
		}
	}
	for _, batch := range [][]render.Object{namespaces, rest} {
		if err := createBatch(ctx, c, batch); err != nil {
			return time.Time{}, err
		}
	}
	return time.Now(), nil
}

// parallel bounds the creates in flight (0: one goroutine per object).
var parallel int

func createBatch(ctx context.Context, c *kube.Client, objs []render.Object) error {
	errs := make([]error, len(objs))
	n := parallel
	if n <= 0 {
		n = len(objs)
	}
	slots := make(chan struct{}, max(n, 1))
	var wg sync.WaitGroup
	for i, o := range objs {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			errs[i] = create(ctx, c, o)
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

func create(ctx context.Context, c *kube.Client, o render.Object) error {
	u, err := render.Unstructured(o)
	if err != nil {
		return err
	}
	gvk := o.GetObjectKind().GroupVersionKind()
	m, err := c.Mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return err
	}
	ri := c.Dynamic.Resource(m.Resource).Namespace(o.GetNamespace())
	if serverSideApply {
		_, err = ri.Apply(ctx, o.GetName(), u, metav1.ApplyOptions{FieldManager: "deployfloor"})
	} else {
		_, err = ri.Create(ctx, u, metav1.CreateOptions{FieldManager: "deployfloor"})
	}
	if err != nil {
		return fmt.Errorf("creating %s %s: %w", gvk.Kind, o.GetName(), err)
	}
	return nil
}

// watchAvailable watches the Deployments of ns from now on and sends the
// time the watch saw the n-th of them Available with every replica
// updated (what "rollout status" and ferry wait for).
func watchAvailable(ctx context.Context, c *kube.Client, ns string, n int) (<-chan time.Time, error) {
	w, err := c.Typed.AppsV1().Deployments(ns).Watch(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	out := make(chan time.Time, 1)
	go func() {
		defer w.Stop()
		done := map[string]bool{}
		for ev := range w.ResultChan() {
			d, ok := ev.Object.(*appsv1.Deployment)
			if !ok || ev.Type == watch.Deleted || !rolledOut(d) || done[d.Name] {
				continue
			}
			if done[d.Name] = true; len(done) == n {
				out <- time.Now()
				return
			}
		}
	}()
	return out, nil
}

func rolledOut(d *appsv1.Deployment) bool {
	want := int32(1)
	if d.Spec.Replicas != nil {
		want = *d.Spec.Replicas
	}
	s := d.Status
	return d.Generation <= s.ObservedGeneration && s.UpdatedReplicas == want &&
		s.Replicas == want && s.AvailableReplicas == want
}

// runFerry deploys with ferry's library, recording when the last object
// was applied.
func runFerry(ctx context.Context, c *kube.Client, f *spec.File, ready <-chan time.Time, ms func(time.Time) int64) error {
	var firstApplied, lastApplied atomic.Int64
	observe := func(ev deploy.Event) {
		if ev.Kind == deploy.EventApplied {
			now := time.Now().UnixNano()
			firstApplied.CompareAndSwap(0, now)
			lastApplied.Store(now)
		}
	}
	d, err := deploy.New(c, "bench", "bench", observe)
	if err != nil {
		return err
	}
	if _, err := d.Run(ctx, deploy.Request{File: f, Wait: true}); err != nil {
		return err
	}
	returned := time.Now()
	var at time.Time
	select {
	case at = <-ready:
	case <-time.After(5 * time.Second):
		return errors.New("ferry returned, but the watch did not see every Deployment Available")
	}
	applied := time.Unix(0, lastApplied.Load())
	fmt.Printf("first-applied=%d applied=%d available=%d returned=%d controllers=%d watch=%d\n",
		ms(time.Unix(0, firstApplied.Load())), ms(applied), ms(at), ms(returned), at.Sub(applied).Milliseconds(), returned.Sub(at).Milliseconds())
	return nil
}
