//go:build !unix

package store

import (
	"errors"
	"os"
	"path/filepath"
)

// ErrLocked means another process has the data directory open.
var ErrLocked = errors.New("data directory is in use by another process")

// lockDir only creates the lock file where flock(2) does not exist; two
// servers on one directory are then the operator's mistake to avoid.
func lockDir(dir string) (*os.File, error) {
	return os.OpenFile(filepath.Join(dir, "lock"), os.O_RDWR|os.O_CREATE, 0o600)
}
