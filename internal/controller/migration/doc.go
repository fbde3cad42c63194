// Package migration reconciles Migration objects (ferry.dev/v1alpha1):
// each one is run by the same session and engine as "ferry migrate start"
// (internal/migrate), with its state kept in the object's status and its
// operator commands read from spec.commands (internal/controller/migstore).
//
// Reconcile never blocks on a migration: it starts a runner goroutine per
// object, which lives as long as the manager holds leadership and writes
// the state itself. Reconcile's contract:
//   - an object that is gone or being deleted: its runner is stopped;
//   - an object whose runner is running: nothing to do;
//   - an object whose migration ended (done, rolled back, aborted with no
//     rollback waiting): nothing to do, ever — a new migration is a new
//     object;
//   - a spec the settings model refuses: condition Valid=False with the
//     reason; terminal (no requeue) until the spec changes;
//   - otherwise a runner is started; it resumes the state in status, or
//     starts a new migration. How it ended is in condition Running; an
//     error worth retrying (a lease held elsewhere, the DNS provider away)
//     requeues the object when the retry is due.
package migration
