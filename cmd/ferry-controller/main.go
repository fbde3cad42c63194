// Command ferry-controller is ferry's controller: it reconciles ServiceFile
// and Migration objects in the cluster until interrupted. "ferry controller
// run" executes it (installed next to ferry), so that every other ferry
// command starts without controller-runtime's initialisation.
package main

import (
	"context"
	"os"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/controllerrun"
)

func main() {
	streams := clio.Streams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	name := "ferry-controller"
	if len(os.Args) > 0 && os.Args[0] == controllerrun.RunName {
		name = controllerrun.RunName
	}
	os.Exit(clio.Execute(context.Background(), controllerrun.NewCommand(streams, name), streams, os.Args[1:]))
}
