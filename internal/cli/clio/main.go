package clio

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// Main runs run as the process's whole program: on the standard streams
// with the process's arguments, under a context that an interrupt or
// SIGTERM cancels, then exits with the status run returns. The mains of
// ferry and ferry-engine are each this one call.
func Main(run func(ctx context.Context, streams Streams, args []string) int) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, StdStreams(), os.Args)
	stop()
	os.Exit(code)
}
