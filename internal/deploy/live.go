package deploy

import (
	"context"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// LiveSource reads objects as they are in the cluster from somewhere
// other than the API server, such as a controller's informer cache, so a
// deploy that finds everything in place sends nothing at all.
type LiveSource interface {
	// Live returns the object ref names; nil and no error when it does
	// not exist. An error means the source cannot tell (a kind it does
	// not hold, a copy it knows to be stale): the object is then treated
	// as not in place, so it is applied, or checked with the API server.
	Live(ctx context.Context, ref Ref) (*unstructured.Unstructured, error)
}

// ReadLiveFrom makes d read live objects from s instead of listing them
// from the API server (one list per kind and namespace for each deploy,
// of the file's services: fine for one deploy, a request storm for a
// controller deploying a thousand releases).
func (d *Deployer) ReadLiveFrom(s LiveSource) { d.source = s }

// readLive is the live objects of objs, keyed like Ref.key: from the
// source when d has one, else listed.
func (d *Deployer) readLive(ctx context.Context, objs []object) map[string]*unstructured.Unstructured {
	if d.source == nil {
		return d.liveObjects(ctx, objs)
	}
	live := map[string]*unstructured.Unstructured{}
	for _, o := range objs {
		if u, err := d.source.Live(ctx, o.ref); err == nil && u != nil {
			live[o.ref.key()] = u
		}
	}
	return live
}

// NotInPlace renders req.File and returns the objects that applying it
// would change, as InPlace judges them against the live objects (from the
// source when d has one). It sends nothing but the lists when d has no
// source; with one, nothing at all. An empty answer means the cluster
// holds the file exactly as ferry last applied it; any other calls for a
// server-side dry run (Run with DryRun) to say what differs and who
// changed it.
func (d *Deployer) NotInPlace(ctx context.Context, req Request) ([]Ref, error) {
	objs, err := d.plan(req)
	if err != nil {
		return nil, err
	}
	live := d.readLive(ctx, objs)
	var out []Ref
	for _, o := range objs {
		if !InPlace(o.obj, live[o.ref.key()]) {
			out = append(out, o.ref)
		}
	}
	return out, nil
}
