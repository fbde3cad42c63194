package deploy

import (
	"fmt"
	"strconv"
	"time"

	"ferry.dev/ferry/internal/notify"
)

// Notification is a deploy's outcome as an event: deployed (with the
// revision and what was applied and pruned) or deploy-failed (with the
// error, and the revision an atomic deploy put back).
func Notification(release, namespace string, res Result, err error) notify.Event {
	e := notify.Event{At: time.Now(), Source: "deploy", Subject: release + " (namespace " + namespace + ")",
		Kind: "deployed", Figures: map[string]string{
			"revision": strconv.Itoa(res.Revision), "objects": strconv.Itoa(len(res.Applied)),
			"applied": strconv.Itoa(res.Sent), "pruned": strconv.Itoa(len(res.Pruned)),
		}}
	switch {
	case err != nil:
		e.Kind, e.Message = "deploy-failed", "deploy failed: "+err.Error()
		if res.RolledBackTo > 0 {
			e.Figures["rolledBackTo"] = strconv.Itoa(res.RolledBackTo)
		}
	case res.Unchanged:
		e.Message = fmt.Sprintf("nothing changed; revision %d stays", res.Revision)
	default:
		e.Message = fmt.Sprintf("deployed revision %d: %d objects, %d applied, %d pruned", res.Revision, len(res.Applied), res.Sent, len(res.Pruned))
	}
	return e
}
