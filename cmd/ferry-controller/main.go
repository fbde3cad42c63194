// Command ferry-controller is ferry's controller: it reconciles ServiceFile
// and Migration objects in the cluster until interrupted. "ferry controller
// run" executes it (installed next to ferry), so that every other ferry
// command starts without controller-runtime's initialisation.
package main

import (
	"context"
	"os"
	"path/filepath"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/controllerrun"
)

func main() {
	streams := clio.StdStreams()
	// Help names the binary as it was called: "ferry controller run" when
	// ferry executes it (that is its argv[0]), else ferry-controller.
	name := filepath.Base(os.Args[0])
	os.Exit(clio.Execute(context.Background(), controllerrun.NewCommand(streams, name), streams, os.Args[1:]))
}
