package release

import (
	"testing"

	"ferry.dev/ferry/api/v1alpha1"
)

// A reconcile for health alone does not set Sync again: the message must
// follow the health, not keep an earlier one, and give way to the sync's
// while out of sync.
func TestMessageFollowsHealthUnlessOutOfSync(t *testing.T) {
	var s v1alpha1.ServiceFileStatus
	setSync(&s, 1, true, "Applied", "revision 1 applied", nil)
	setHealth(&s, 1, v1alpha1.HealthProgressing, "Deployment shop/api: 0/1 ready")
	setHealth(&s, 1, v1alpha1.HealthDegraded, "Deployment shop/api: 0/1 ready; pod api-1: Unschedulable")
	if s.Message != "Deployment shop/api: 0/1 ready; pod api-1: Unschedulable" {
		t.Errorf("degraded: message %q", s.Message)
	}
	setHealth(&s, 1, v1alpha1.HealthHealthy, "every rollout is complete")
	if s.Message != "" {
		t.Errorf("healthy: message %q", s.Message)
	}
	setSync(&s, 1, false, reasonDrift, "drift: Deployment shop/api", nil)
	setHealth(&s, 1, v1alpha1.HealthProgressing, "Deployment shop/api: 0/1 ready")
	if s.Message != "drift: Deployment shop/api" {
		t.Errorf("out of sync: message %q", s.Message)
	}
}
