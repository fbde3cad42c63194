package deploy

import (
	"context"
	"fmt"
	"os"
	"time"

	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/notify"
	"ferry.dev/ferry/internal/spec"
)

// tell sends e to the file's notifications, waiting at most 2s; a
// notification that cannot be sent is reported, never a deploy failure.
func tell(ctx context.Context, streams clio.Streams, f *spec.File, e notify.Event) {
	if len(f.Notifications) == 0 {
		return
	}
	targets, err := notify.Targets(f.Notifications, os.Getenv)
	if err != nil {
		fmt.Fprintf(streams.ErrOut, "warning: not notifying: %v\n", err)
		return
	}
	if note := notify.InClusterOnly(f.Notifications); note != "" {
		fmt.Fprintln(streams.ErrOut, "note: "+note)
	}
	n := notify.New(context.WithoutCancel(ctx), targets, notify.Options{})
	n.Send(e)
	n.Flush(ctx, 2*time.Second)
	if n.Dropped() > 0 {
		fmt.Fprintln(streams.ErrOut, "warning: a notification could not be delivered")
	}
}
