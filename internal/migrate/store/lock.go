package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// Holder is who holds a migration's lock.
type Holder struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Started time.Time `json:"started"`
	Command string    `json:"command"`
}

func (h Holder) String() string {
	return fmt.Sprintf("pid %d on %s since %s (%s)", h.PID, h.Host, h.Started.Format(time.RFC3339), h.Command)
}

// LockedError is returned when another live process holds the lock.
type LockedError struct {
	Domain string
	Holder Holder
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("a migration of %s is already running: %s", e.Domain, e.Holder)
}

// Lock is a held migration lock.
type Lock struct {
	path   string
	holder Holder
}

// Lock takes the one-migration-per-domain lock for holder. A lock left by
// a process on this host that no longer runs (killed, crashed) is stale and
// taken over; any other held lock is refused with a *LockedError naming
// its holder.
func (f *File) Lock(domain string, holder Holder) (*Lock, error) {
	path := f.base(domain) + ".lock"
	data, err := json.Marshal(holder)
	if err != nil {
		return nil, fmt.Errorf("encoding lock holder: %w", err)
	}
	if err := f.mkdir(); err != nil {
		return nil, err
	}
	for range 3 {
		err := createExclusive(path, data)
		if err == nil {
			return &Lock{path: path, holder: holder}, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("locking %s: %w", domain, err)
		}
		old, err := ReadHolder(path)
		if err != nil {
			return nil, fmt.Errorf("locking %s: %w", domain, err)
		}
		if !stale(old, holder.Host) {
			return nil, &LockedError{Domain: domain, Holder: old}
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("removing stale lock of %s: %w", domain, err)
		}
	}
	return nil, fmt.Errorf("locking %s: lost the race for a stale lock three times", domain)
}

// Holder returns who holds domain's lock, if anyone.
func (f *File) Holder(domain string) (Holder, bool) {
	h, err := ReadHolder(f.base(domain) + ".lock")
	me, _ := os.Hostname()
	if err != nil || stale(h, me) {
		return Holder{}, false
	}
	return h, true
}

// Unlock releases the lock.
func (l *Lock) Unlock() error {
	if err := os.Remove(l.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("releasing lock: %w", err)
	}
	return nil
}

func createExclusive(path string, data []byte) error {
	fd, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, werr := fd.Write(data)
	serr := fd.Sync()
	cerr := fd.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		_ = os.Remove(path)
		return err
	}
	return nil
}

// ReadHolder reads a lock file.
func ReadHolder(path string) (Holder, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Holder{}, err
	}
	var h Holder
	if err := json.Unmarshal(data, &h); err != nil {
		// A lock file torn by a crash between create and write names no
		// live holder.
		return Holder{PID: 0}, nil //nolint:nilerr // treated as stale
	}
	return h, nil
}

// stale reports whether h's process is known to be gone. Only processes on
// this host can be checked; a lock from another host is never stale.
func stale(h Holder, host string) bool {
	if h.PID <= 0 {
		return true
	}
	if h.Host != host || !sameHost(h.Host) {
		return false
	}
	err := syscall.Kill(h.PID, 0)
	return errors.Is(err, syscall.ESRCH)
}

func sameHost(host string) bool {
	me, err := os.Hostname()
	return err == nil && me == host
}
