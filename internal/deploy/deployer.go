package deploy

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"

	"ferry.dev/ferry/internal/kube"
)

// FieldManager owns every field ferry applies.
const FieldManager = "ferry"

// Labels on ferry's own records.
const (
	ReleaseLabel  = "ferry.dev/release"
	RevisionLabel = "ferry.dev/revision"
	RecordLabel   = "ferry.dev/record" // "inventory" or "revision"
)

// Deployer deploys one release through one cluster connection.
type Deployer struct {
	client  *kube.Client
	release string
	// version is ferry's version, written into each revision.
	version string
	observe func(Event)
	now     func() time.Time
	backoff backoff
	// source, when set, is where live objects are read (see ReadLiveFrom).
	source LiveSource
}

// New returns a Deployer for release, whose records live in the client's
// namespace. observe (may be nil) hears progress as it happens.
func New(client *kube.Client, release, ferryVersion string, observe func(Event)) (*Deployer, error) {
	if errs := validation.IsDNS1123Label(release); len(errs) > 0 {
		return nil, fmt.Errorf("release name %q: %s", release, errs[0])
	}
	if observe == nil {
		observe = func(Event) {}
	}
	return &Deployer{
		client: client, release: release, version: ferryVersion, observe: observe, now: time.Now,
		// About 35 s of retrying: enough for an apiserver to restart, short
		// enough that an error the server calls internal but is lasting
		// (a full service IP range) is reported while someone waits.
		backoff: backoff{first: 100 * time.Millisecond, most: 2 * time.Second, attempts: 22},
	}, nil
}

// Release is the release's name.
func (d *Deployer) Release() string { return d.release }

// Namespace is where the release's records live.
func (d *Deployer) Namespace() string { return d.client.Namespace }

// EventKind says what an Event reports.
type EventKind int

// What happens during a deploy, in order.
const (
	EventApplied   EventKind = iota // Ref was applied
	EventUnchanged                  // Ref was already in place; not sent
	EventPruned                     // Ref was deleted: it left the file
	EventRollout                    // Rollout changed
	EventRetry                      // a transient error; retrying (Err)
	EventRollback                   // rolling back to Revision
)

// Event is one step of progress, for display.
type Event struct {
	Kind     EventKind
	Ref      Ref
	Rollout  Rollout
	Err      error
	Revision int
	// ResourceVersion is the object's after an EventApplied: a cache of
	// live objects is stale for Ref until it holds this version or later.
	ResourceVersion string
}

func (d *Deployer) retryNote(err error) { d.observe(Event{Kind: EventRetry, Err: err}) }
