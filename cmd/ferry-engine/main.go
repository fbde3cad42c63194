// Command ferry-engine runs every ferry command: ferry executes it, with the
// same arguments, for each command that is not a file command (deploy,
// status, migrate, dns, check, demo, dashboard, import, controller…), so
// that render, validate and init start without the Kubernetes client and
// the AWS SDK. Installed next to ferry by make build.
package main

import (
	"ferry.dev/ferry/internal/cli"
	"ferry.dev/ferry/internal/cli/clio"
	"ferry.dev/ferry/internal/startgc"
)

func main() {
	startgc.Restore()
	clio.Main(cli.Run)
}
