// Package incluster is the CLI's side of "ferry controller": it turns a
// service file into the ServiceFile and Migration objects
// (ferry.dev/v1alpha1) the controller runs, creates or updates them with
// optimistic concurrency (resourceVersion), hands operator commands to a
// Migration through the same migrate.Control as a local run, and follows
// the objects' status until the controller has done the work.
//
// Nothing here prints: "ferry deploy --in-cluster" and "ferry migrate …
// --in-cluster" (internal/cli) turn what it returns into the same output
// as their local runs. Errors a person must act on are typed:
// ErrNoController (nothing acted on the object within Client.Observe),
// *NotOwnedError (the controller does not run that migration), and
// ErrNotFound (no such object).
package incluster
