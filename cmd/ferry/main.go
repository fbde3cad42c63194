// Command ferry moves services from legacy servers onto Kubernetes with zero
// downtime and keeps shipping them there from one short file.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"ferry.dev/ferry/internal/cli"
	"ferry.dev/ferry/internal/startgc"
)

func main() {
	startgc.Restore()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, cli.StdStreams(), os.Args)
	stop()
	os.Exit(code)
}
