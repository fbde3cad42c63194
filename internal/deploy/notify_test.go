package deploy

import (
	"errors"
	"strings"
	"testing"

	"ferry.dev/ferry/internal/notify"
)

// TestNotification: a deploy's success and failure become events with
// the numbers behind them, as a Slack receiver shows them.
func TestNotification(t *testing.T) {
	for name, tc := range map[string]struct {
		res  Result
		err  error
		kind string
		says []string
	}{
		"success": {res: Result{Revision: 4, Applied: make([]Ref, 5), Sent: 2, Pruned: make([]Ref, 1)}, kind: "deployed",
			says: []string{"deployed revision 4: 5 objects, 2 applied, 1 pruned", "shop (namespace prod)", "revision: 4"}},
		"failure": {res: Result{Revision: 5, RolledBackTo: 4}, err: errors.New("Deployment prod/api never became ready"), kind: "deploy-failed",
			says: []string{"deploy failed: Deployment prod/api never became ready", "rolledBackTo: 4"}},
	} {
		t.Run(name, func(t *testing.T) {
			e := Notification("shop", "prod", tc.res, tc.err)
			if e.Kind != tc.kind || e.Source != "deploy" {
				t.Errorf("kind %s, source %s: want %s from deploy", e.Kind, e.Source, tc.kind)
			}
			body, _ := notify.Payload(notify.Slack, e)
			for _, s := range tc.says {
				if !strings.Contains(string(body), s) {
					t.Errorf("payload %s does not say %q", body, s)
				}
			}
		})
	}
}
