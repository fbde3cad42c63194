package migstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/kube/objclient"
	"ferry.dev/ferry/internal/migrate"
)

// ErrOverwritten means the state in the object's status is no longer the
// one this store last saved: another writer saved a state in between. The
// migration stops rather than write over it.
var ErrOverwritten = errors.New("the migration's state in status was written by someone else")

// Client is what a Store asks of the API server: an objclient.Client in
// the CLI, the controller's own client (internal/controller/objects) there.
type Client interface {
	objclient.Reader
	Update(ctx context.Context, obj objclient.Object) error
	UpdateStatus(ctx context.Context, obj objclient.Object) error
}

// Store is the migrate.Store and migrate.CommandQueue of one Migration
// object. It is safe for concurrent use.
type Store struct {
	// Client writes, and reads what must be fresh (Load, Queued).
	Client Client
	// Reader reads commands for Pending (the executor asks every tick):
	// the manager's cache, so polling costs no request. Default Client.
	Reader objclient.Reader
	Key    types.NamespacedName
	// Holder, when set, is written to status.holder with every save.
	Holder string

	mu    sync.Mutex
	last  *v1alpha1.MigrationResource // as last read or written
	saved []byte                      // status.state as last written or loaded
	acked []string                    // acknowledged since last written
}

var (
	_ migrate.Store        = (*Store)(nil)
	_ migrate.CommandQueue = (*Store)(nil)
)

func (s *Store) reader() objclient.Reader {
	if s.Reader != nil {
		return s.Reader
	}
	return s.Client
}

func (s *Store) get(ctx context.Context) (*v1alpha1.MigrationResource, error) {
	obj := &v1alpha1.MigrationResource{}
	if err := s.Client.Get(ctx, s.Key, obj); err != nil {
		return nil, fmt.Errorf("reading Migration %s: %w", s.Key, err)
	}
	return obj, nil
}

// Load returns the state in status; ErrNoState when the object has none.
func (s *Store) Load(ctx context.Context, domain string) (migrate.State, error) {
	obj, err := s.get(ctx)
	if err != nil {
		return migrate.State{}, err
	}
	if obj.Spec.Domain != domain {
		return migrate.State{}, fmt.Errorf("the Migration %s migrates %s, not %s", s.Key, obj.Spec.Domain, domain)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.last, s.saved = obj, canonical(rawState(obj))
	if s.saved == nil {
		return migrate.State{}, fmt.Errorf("the Migration %s: %w", s.Key, migrate.ErrNoState)
	}
	var st migrate.State
	if err := json.Unmarshal(rawState(obj), &st); err != nil {
		return migrate.State{}, fmt.Errorf("decoding the state of Migration %s: %w", s.Key, err)
	}
	return st, nil
}

// canonical is raw JSON with its object keys sorted, as the API server
// returns it (it stores custom resources as maps), so that the state this
// store wrote compares equal to what it reads back.
func canonical(raw []byte) []byte {
	if raw == nil {
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return raw
	}
	out, err := json.Marshal(v)
	if err != nil {
		return raw
	}
	return out
}

func rawState(obj *v1alpha1.MigrationResource) []byte {
	if obj.Status.State == nil || len(obj.Status.State.Raw) == 0 {
		return nil
	}
	return obj.Status.State.Raw
}

// Save writes st to status, conditional on the resourceVersion last seen.
// A conflict caused by anything but another state (a new command in spec,
// a label) is retried on the fresh object; another state is
// ErrOverwritten.
func (s *Store) Save(ctx context.Context, st migrate.State) error {
	data, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encoding state: %w", err)
	}
	mine := canonical(data)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.write(ctx, func(obj *v1alpha1.MigrationResource) {
		summarise(&obj.Status, st)
		obj.Status.State = &runtime.RawExtension{Raw: data}
	}, mine)
}

// write applies change to the last seen object's status and updates it,
// retrying conflicts while the state there is still the one saved. state
// is the state written, nil to keep it.
func (s *Store) write(ctx context.Context, change func(*v1alpha1.MigrationResource), state []byte) error {
	for attempt := 0; ; attempt++ {
		if s.last == nil {
			obj, err := s.get(ctx)
			if err != nil {
				return err
			}
			if !bytes.Equal(canonical(rawState(obj)), s.saved) {
				return fmt.Errorf("saving Migration %s: %w", s.Key, ErrOverwritten)
			}
			s.last = obj
		}
		obj := s.last.DeepCopy()
		change(obj)
		obj.Status.Acknowledged = mergeAcked(obj.Status.Acknowledged, s.acked, obj.Spec.Commands)
		if s.Holder != "" {
			obj.Status.Holder = s.Holder
		}
		obj.Status.ObservedGeneration = obj.Generation
		err := s.Client.UpdateStatus(ctx, obj)
		switch {
		case err == nil:
			s.last, s.acked = obj, nil
			if state != nil {
				s.saved = state
			}
			return nil
		case apierrors.IsConflict(err) && attempt < 10:
			s.last = nil // read again; the state there must still be ours
		default:
			return fmt.Errorf("saving Migration %s: %w", s.Key, err)
		}
	}
}

// mergeAcked is the acknowledged names, without those of commands no
// longer in spec (so the list stays as short as spec.commands).
func mergeAcked(old, add []string, cmds []v1alpha1.MigrationCommand) []string {
	out := []string{}
	for _, c := range cmds {
		if slices.Contains(old, c.Name) || slices.Contains(add, c.Name) {
			out = append(out, c.Name)
		}
	}
	return out
}
