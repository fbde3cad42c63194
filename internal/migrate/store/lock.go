package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// Holder is who holds a migration's lock.
type Holder struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Started time.Time `json:"started"`
	Command string    `json:"command"`
}

// String names the holder for an operator: "pid 42 on HOST since TIME (COMMAND)".
func (h Holder) String() string {
	if h.PID == 0 && h.Host == "" {
		return "a process that has not yet recorded its pid"
	}
	return fmt.Sprintf("pid %d on %s since %s (%s)", h.PID, h.Host, h.Started.Format(time.RFC3339), h.Command)
}

// errHeld is what lockExclusive and lockShared return when another open
// file holds the lock.
var errHeld = errors.New("the lock is held through another open file")

// LockedError is returned when another live process holds the lock.
type LockedError struct {
	Domain string
	Holder Holder
}

// Error says that the domain's migration is running and who runs it.
func (e *LockedError) Error() string {
	return fmt.Sprintf("a migration of %s is already running: %s", e.Domain, e.Holder)
}

// Lock is a held migration lock: an open lock file with an exclusive lock
// on it (flock on Unix, LockFileEx on Windows; see lockExclusive). The
// operating system releases the lock when the process dies, however it
// dies, so a killed holder never leaves a lock to be judged stale.
type Lock struct {
	path string
	f    *os.File
}

// Lock takes the one-migration-per-domain lock for holder and records
// holder in the lock file. A lock another open file holds (in this process
// or any other on this host) is refused with a *LockedError naming its
// holder. The lock is held until Unlock or the process's death.
func (f *File) Lock(domain string, holder Holder) (*Lock, error) {
	path := f.base(domain) + ".lock"
	data, err := json.Marshal(holder)
	if err != nil {
		return nil, fmt.Errorf("encoding lock holder: %w", err)
	}
	if err := f.mkdir(); err != nil {
		return nil, err
	}
	for {
		fd, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("locking %s: %w", domain, err)
		}
		if err := lockExclusive(fd); err != nil {
			_ = fd.Close()
			if errors.Is(err, errHeld) {
				return nil, &LockedError{Domain: domain, Holder: readHeld(path)}
			}
			return nil, fmt.Errorf("locking %s: %w", domain, err)
		}
		// A previous holder unlinks the file as it unlocks; a lock taken
		// on that unlinked file guards nothing, so open the new one.
		if !samePath(fd, path) {
			_ = fd.Close()
			continue
		}
		l := &Lock{path: path, f: fd}
		if err := l.record(data); err != nil {
			_ = l.Unlock()
			return nil, fmt.Errorf("locking %s: %w", domain, err)
		}
		return l, nil
	}
}

// record writes the holder into the locked file, for others' messages.
func (l *Lock) record(data []byte) error {
	if err := l.f.Truncate(0); err != nil {
		return err
	}
	if _, err := l.f.WriteAt(data, 0); err != nil {
		return err
	}
	return l.f.Sync()
}

// Holder returns who holds domain's lock, if anyone does.
func (f *File) Holder(domain string) (Holder, bool) {
	path := f.base(domain) + ".lock"
	fd, err := os.Open(path)
	if err != nil {
		return Holder{}, false
	}
	defer func() { _ = fd.Close() }()
	if lockShared(fd) == nil {
		return Holder{}, false // nobody holds it (closing fd drops our shared lock)
	}
	return readHeld(path), true
}

// Unlock releases the lock and removes the lock file, never one another
// holder has taken since (see release). Calling it again does nothing.
func (l *Lock) Unlock() error {
	if l.f == nil {
		return nil
	}
	err := release(l.f, l.path)
	l.f = nil
	if err != nil {
		return fmt.Errorf("releasing lock: %w", err)
	}
	return nil
}

// samePath reports whether the open file fd is the file at path now.
func samePath(fd *os.File, path string) bool {
	a, err := fd.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(path)
	return err == nil && os.SameFile(a, b)
}

// readHeld reads the holder of a lock file known to be held. The holder
// writes its record just after taking the lock, so an empty or partial
// file is read again for a moment before giving up on naming it.
func readHeld(path string) Holder {
	for range 20 {
		if h, err := ReadHolder(path); err == nil {
			return h
		}
		time.Sleep(5 * time.Millisecond)
	}
	return Holder{}
}

// ReadHolder reads the holder recorded in a lock file. It says nothing
// about whether the lock is held: File.Holder does.
func ReadHolder(path string) (Holder, error) {
	fd, err := os.Open(path)
	if err != nil {
		return Holder{}, err
	}
	defer func() { _ = fd.Close() }()
	data, err := io.ReadAll(fd)
	if err != nil {
		return Holder{}, err
	}
	var h Holder
	if err := json.Unmarshal(data, &h); err != nil {
		return Holder{}, fmt.Errorf("reading lock holder from %s: %w", path, err)
	}
	return h, nil
}
