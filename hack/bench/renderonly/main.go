// Command renderonly is a floor of the render benchmark: "ferry render" as
// a binary that links only the render command's packages, so its start
// runs none of the initialisation of the packages linked for deploy, the
// controller or Route 53 (client-go's scheme, controller-runtime,
// Prometheus, the AWS SDK). The difference from "ferry render" is what
// one binary for every command costs render at each start.
//
//	renderonly -f ferry.yaml > /dev/null
package main

import (
	"context"
	"os"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/cli/render"
)

func main() {
	streams := clio.Streams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	os.Exit(clio.Execute(context.Background(), render.NewCommand(streams), streams, os.Args[1:]))
}
