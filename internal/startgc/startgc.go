package startgc

import "runtime/debug"

// percent is the collector's setting before init turned it off: GOGC's,
// else 100.
var percent = debug.SetGCPercent(-1)

// Restore turns the collector back on as GOGC says; call it first in main.
func Restore() { debug.SetGCPercent(percent) }
