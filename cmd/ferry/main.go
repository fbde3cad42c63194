// Command ferry moves services from legacy servers onto Kubernetes with zero
// downtime and keeps shipping them there from one short file. It runs the
// file commands (init, validate, render, version) itself and executes
// ferry-engine, installed beside it, for every other command
// (internal/cli/dispatch says why).
package main

import (
	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/dispatch"
	"ferry.dev/ferry/internal/startgc"
)

func main() {
	startgc.Restore()
	clio.Main(dispatch.Run)
}
