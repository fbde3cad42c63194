// Package store keeps migrations' state, locks and operator commands on
// disk, in one directory (by default .ferry/ next to the service file).
//
// Per domain it holds:
//
//	<domain>.json       the migration's State, replaced atomically
//	                    (write temp, fsync, rename, fsync the directory)
//	<domain>.lock       who runs the migration (pid, host, start time),
//	                    locked by it for as long as it runs (flock on
//	                    Unix, LockFileEx on Windows: lock_*.go)
//	<domain>.commands/  operator commands (promote, pause, ...) waiting for
//	                    the running executor, one file each, oldest first
//
// File implements migrate.Store; an in-cluster store (a ConfigMap or a
// Migration resource) can implement the same interface later.
package store
