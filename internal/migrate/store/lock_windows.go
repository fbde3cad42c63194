//go:build windows

package store

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// lockOffsetHigh places the one locked byte at offset 1<<62. Windows locks
// are mandatory: a locked range cannot be read through other handles, and
// others must read the holder record at the start of the file to name the
// holder. A range beyond the end of the file may be locked.
const lockOffsetHigh = 1 << 30

// lockExclusive takes an exclusive lock on f without waiting. Windows
// releases it when f's handle is closed, the process's death included.
func lockExclusive(f *os.File) error { return lockFileEx(f, windows.LOCKFILE_EXCLUSIVE_LOCK) }

// lockShared takes a shared lock on f without waiting: it succeeds only
// while no one holds the exclusive lock.
func lockShared(f *os.File) error { return lockFileEx(f, 0) }

func lockFileEx(f *os.File, flags uint32) error {
	ol := windows.Overlapped{OffsetHigh: lockOffsetHigh}
	err := windows.LockFileEx(windows.Handle(f.Fd()), flags|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return errHeld
	}
	return err
}

// release closes f, which drops the lock, then removes the lock file.
// Windows refuses to remove a file another handle has open (Go opens files
// without FILE_SHARE_DELETE), so a file another holder took in between is
// left alone; for the same reason no held lock file is ever unlinked, and
// File.Lock's samePath check always passes here.
func release(f *os.File, path string) error {
	if err := f.Close(); err != nil {
		return err
	}
	err := os.Remove(path)
	if err == nil || errors.Is(err, os.ErrNotExist) || errors.Is(err, windows.ERROR_SHARING_VIOLATION) {
		return nil
	}
	return err
}
