//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd || windows)

package store

import (
	"errors"
	"os"
	"runtime"
)

// errNoLocks refuses to run a migration where ferry cannot lock its state:
// an unlocked migration could run twice at once.
var errNoLocks = errors.New("migration locks need flock or LockFileEx, which " + runtime.GOOS + " does not offer to ferry")

func lockExclusive(*os.File) error { return errNoLocks }

func lockShared(*os.File) error { return errNoLocks }

func release(f *os.File, path string) error {
	return errors.Join(f.Close(), os.Remove(path))
}
