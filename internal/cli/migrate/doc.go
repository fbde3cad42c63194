// Package migrate implements "ferry migrate plan|start|status|promote|
// pause|resume|rollback|abort SERVICE".
//
// start runs the migration in the foreground until it is done, rolled
// back or aborted; it holds the domain's lock and keeps its state in the
// state directory (default .ferry/ next to the service file). The other
// commands talk to a running start through that directory: they drop a
// command file into <domain>.commands/, which the running executor picks
// up within a tick (100 ms), applies, saves and removes. When no start is
// running, rollback and abort are carried out by the command itself.
package migrate
