package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"ferry.dev/ferry/internal/dns"
)

// File names inside the data directory.
const (
	logFile      = "wal.log"
	snapshotFile = "snapshot.json"
)

// DefaultCompactEvery is how many changes the log holds before the state is
// written to a snapshot and the log starts again.
const DefaultCompactEvery = 1024

// ErrClosed is returned by Apply after Close.
var ErrClosed = errors.New("store is closed")

// Key names one record set.
type Key struct {
	Name string // canonical: lower case, fully qualified
	Type string
}

// KeyOf returns the key of rs.
func KeyOf(rs dns.RecordSet) Key { return Key{Name: rs.Name, Type: rs.Type} }

// Op is one operation inside a Change.
type Op struct {
	// Put replaces the record set at its name and type.
	Put *dns.RecordSet `json:"put,omitempty"`
	// Delete removes the record set with this key.
	Delete *Key `json:"delete,omitempty"`
	// Seeded marks a zone as imported from its zone file, so a restart does
	// not import it again over changes made since.
	Seeded string `json:"seeded,omitempty"`
}

// Change is what one log record holds: every Op in it is applied, or none.
type Change struct {
	Rev uint64 `json:"rev"`
	Ops []Op   `json:"ops"`
}

// State is the whole content of the store at one revision. Its maps are
// never modified after a State is returned, so it may be shared freely.
type State struct {
	Rev     uint64
	Records map[Key]dns.RecordSet
	Seeded  map[string]bool
}

// Next returns the state ops would make, leaving st untouched.
func (st State) Next(ops ...Op) State {
	return st.apply(Change{Rev: st.Rev + 1, Ops: ops})
}

// apply returns the state after c, leaving st untouched.
func (st State) apply(c Change) State {
	next := State{Rev: c.Rev, Records: maps.Clone(st.Records), Seeded: maps.Clone(st.Seeded)}
	for _, op := range c.Ops {
		switch {
		case op.Put != nil:
			next.Records[KeyOf(*op.Put)] = *op.Put
		case op.Delete != nil:
			delete(next.Records, *op.Delete)
		case op.Seeded != "":
			next.Seeded[op.Seeded] = true
		}
	}
	return next
}

// Options tune a Store; the zero value is ready to use.
type Options struct {
	// CompactEvery overrides DefaultCompactEvery.
	CompactEvery int
	// Logger receives what the store cannot return as an error (a failed
	// compaction after a change was already durable); nil means
	// slog.Default().
	Logger *slog.Logger
}

// Store is a durable map of record sets. It is safe for concurrent use.
type Store struct {
	dir          string
	compactEvery int
	logger       *slog.Logger

	mu      sync.Mutex
	lock    *os.File
	log     *os.File
	logSize int
	state   State
	cut     int64
	cutCopy string
	// compactErr is the text of the last compaction failure logged, so
	// a failure that repeats on every change is logged once.
	compactErr string
	recent     []Change      // the last changes made, for secondaries
	changed    chan struct{} // closed (and replaced) by every change
}

// Open loads the store in dir (creating dir if needed), replaying the log
// over the last snapshot and cutting off a torn final record (after copying
// the log to wal.log.corrupt-<rev>). A damaged record followed by intact
// ones is not a torn write but corruption of acknowledged changes: Open then
// fails with an error wrapping ErrCorrupt and leaves the log untouched.
func Open(dir string, opts Options) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating data directory: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	s, err := load(dir, opts)
	if err != nil {
		_ = lock.Close() // releases the lock; the load error is the one to report
		return nil, err
	}
	s.lock = lock
	return s, nil
}

// load reads the snapshot and replays the log over it.
func load(dir string, opts Options) (*Store, error) {
	snap, err := readSnapshot(filepath.Join(dir, snapshotFile))
	if err != nil {
		return nil, err
	}
	st := snap.State()
	lc, err := readLog(filepath.Join(dir, logFile))
	if err != nil {
		return nil, err
	}
	st, n, err := replay(st, lc.changes, filepath.Join(dir, logFile))
	if err != nil {
		return nil, err
	}
	s := &Store{dir: dir, compactEvery: opts.CompactEvery, logger: opts.Logger, state: st, logSize: n, changed: make(chan struct{})}
	if s.compactEvery <= 0 {
		s.compactEvery = DefaultCompactEvery
	}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	if lc.good < lc.size {
		// A torn tail: cut it, but only once the whole log is kept aside,
		// so that a misjudged cut never destroys the evidence.
		if s.cutCopy, err = s.keepCorruptLog(st.Rev); err != nil {
			return nil, err
		}
		s.cut = lc.size - lc.good
	}
	if err := s.openLog(lc.good); err != nil {
		return nil, err
	}
	return s, nil
}

// replay applies the log's changes that the snapshot does not hold yet,
// and returns the state and how many it applied. Revisions must follow
// one another: a gap means acknowledged changes are missing (a log from
// another data directory, or records removed by hand), so replay refuses
// to start from a state that silently lacks them, naming the gap.
func replay(st State, changes []Change, path string) (State, int, error) {
	n := 0
	for _, c := range changes {
		if c.Rev <= st.Rev {
			continue // already in the snapshot
		}
		if c.Rev != st.Rev+1 {
			return State{}, 0, fmt.Errorf("%w: %s: revision %d follows revision %d: changes %d to %d are missing",
				ErrCorrupt, path, c.Rev, st.Rev, st.Rev+1, c.Rev-1)
		}
		st = st.apply(c)
		n++
	}
	return st, n, nil
}

// keepCorruptLog copies the log durably to wal.log.corrupt-<rev> (with a
// numbered suffix when that name is taken) and returns the copy's path.
func (s *Store) keepCorruptLog(rev uint64) (string, error) {
	b, err := os.ReadFile(filepath.Join(s.dir, logFile))
	if err != nil {
		return "", fmt.Errorf("reading log to keep a copy: %w", err)
	}
	base := filepath.Join(s.dir, fmt.Sprintf("%s.corrupt-%d", logFile, rev))
	path := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
			break
		}
		path = fmt.Sprintf("%s.%d", base, i)
	}
	if err := writeFileSync(path, b); err != nil {
		return "", fmt.Errorf("keeping a copy of the log before cutting its torn tail: %w", err)
	}
	return path, syncDir(s.dir)
}

// openLog opens the log for appending after cutting it to size bytes.
func (s *Store) openLog(size int64) error {
	path := filepath.Join(s.dir, logFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("opening log: %w", err)
	}
	// On each failure below the log is left as it was read; the first
	// error is the one to report, so close errors are dropped.
	if err := f.Truncate(size); err != nil {
		_ = f.Close()
		return fmt.Errorf("cutting torn log tail: %w", err)
	}
	if _, err := f.Seek(size, 0); err != nil {
		_ = f.Close()
		return fmt.Errorf("seeking log: %w", err)
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return fmt.Errorf("syncing log: %w", err)
	}
	s.log = f
	return syncDir(s.dir)
}

// CutOnOpen is how many bytes of torn log Open dropped, and the path of the
// copy of the whole log it kept first: after a crash during a write it is a
// partial record; anything larger deserves a look at the disk.
func (s *Store) CutOnOpen() (n int64, copyPath string) { return s.cut, s.cutCopy }

// State returns the current state.
func (s *Store) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// Apply makes ops one durable change and returns the state after it. It
// returns only once the change is on disk. check, if not nil, sees the
// state before the change while no other Apply can run, and may refuse it.
func (s *Store) Apply(ctx context.Context, check func(State) error, ops ...Op) (State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.log == nil {
		return State{}, ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return State{}, fmt.Errorf("applying change: %w", err)
	}
	if check != nil {
		if err := check(s.state); err != nil {
			return State{}, err
		}
	}
	c := Change{Rev: s.state.Rev + 1, Ops: ops}
	if err := s.append(c); err != nil {
		return State{}, err
	}
	s.applied(c)
	return s.state, nil
}

// applied makes the durable change c the current state, keeps it for
// secondaries and wakes whoever waits for a change. s.mu is held.
func (s *Store) applied(changes ...Change) {
	for _, c := range changes {
		s.state = s.state.apply(c)
	}
	s.logSize += len(changes)
	s.recent = append(s.recent, changes...)
	if over := len(s.recent) - maxRecent; over > 0 {
		s.recent = slices.Delete(s.recent, 0, over)
	}
	close(s.changed)
	s.changed = make(chan struct{})
	if s.logSize >= s.compactEvery {
		s.compactAfterChange()
	}
}

// compactAfterChange compacts after a change that is already durable in
// the log, so a failure must not fail the change: the log only keeps
// growing until a compaction succeeds. The failure is logged once per
// distinct error (it would otherwise repeat on every change), and its end
// is logged too.
func (s *Store) compactAfterChange() {
	err := s.compact()
	switch {
	case err != nil && err.Error() != s.compactErr:
		s.compactErr = err.Error()
		s.logger.Error("compacting the write-ahead log failed; changes stay durable in the log, which keeps growing until a compaction succeeds",
			"dir", s.dir, "log_records", s.logSize, "error", err)
	case err == nil && s.compactErr != "":
		s.compactErr = ""
		s.logger.Info("compacting the write-ahead log works again", "dir", s.dir)
	}
}

// append writes changes to the log with one fsync.
func (s *Store) append(changes ...Change) error {
	var rec []byte
	for _, c := range changes {
		r, err := encodeRecord(c)
		if err != nil {
			return err
		}
		rec = append(rec, r...)
	}
	c := changes[len(changes)-1]
	off, err := s.log.Seek(0, 1)
	if err != nil {
		return fmt.Errorf("locating log end: %w", err)
	}
	if _, err := s.log.Write(rec); err != nil {
		// Cut a partial write so the next record does not follow garbage.
		_ = s.log.Truncate(off)
		_, _ = s.log.Seek(off, 0)
		return fmt.Errorf("writing change %d: %w", c.Rev, err)
	}
	if err := s.log.Sync(); err != nil {
		_ = s.log.Truncate(off)
		_, _ = s.log.Seek(off, 0)
		return fmt.Errorf("syncing change %d: %w", c.Rev, err)
	}
	return nil
}

// compact writes the state to the snapshot, then empties the log. A crash
// in between is harmless: Open skips log records the snapshot already has.
func (s *Store) compact() error {
	if err := writeSnapshot(filepath.Join(s.dir, snapshotFile), s.state); err != nil {
		return err
	}
	return s.emptyLog()
}

// Close writes a final snapshot and closes the log.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.log == nil {
		return nil
	}
	err := s.compact()
	err = errors.Join(err, s.log.Close(), s.lock.Close())
	s.log = nil
	return err
}

// abandon closes the files without a snapshot, as a crash would leave them.
func (s *Store) abandon() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.log == nil {
		return
	}
	_ = s.log.Close()
	_ = s.lock.Close()
	s.log = nil
}
