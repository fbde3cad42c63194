// Package migstore keeps a migration's state and its operator commands in
// a Migration object (ferry.dev/v1alpha1): the state in status, written
// with optimistic concurrency (resourceVersion), and the commands in
// spec.commands, acknowledged in status.acknowledged. It implements
// migrate.Store and migrate.CommandQueue, so the controller runs
// migrations with the same session as "ferry migrate start", and the CLI
// commands them with the same migrate.Control. ConfigFor turns the object's
// spec into the migrate.Config both run. It reads and writes through
// objclient, so the CLI uses it without linking controller-runtime.
package migstore
