//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package store

import (
	"errors"
	"os"
	"syscall"
)

// lockExclusive takes an exclusive flock on f without waiting.
func lockExclusive(f *os.File) error { return flock(f, syscall.LOCK_EX) }

// lockShared takes a shared flock on f without waiting: it succeeds only
// while no one holds the exclusive lock.
func lockShared(f *os.File) error { return flock(f, syscall.LOCK_SH) }

func flock(f *os.File, how int) error {
	err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errHeld
	}
	return err
}

// release removes the lock file while still holding its lock, and only
// while it is still the file f holds, then closes f, which drops the flock.
// A process that was waiting on the old file finds it unlinked once it gets
// the lock and opens the new one (File.Lock's samePath check).
func release(f *os.File, path string) error {
	var rerr error
	if samePath(f, path) {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			rerr = err
		}
	}
	if err := f.Close(); err != nil && rerr == nil {
		rerr = err
	}
	return rerr
}
