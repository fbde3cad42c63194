package deploy_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"ferry.dev/ferry/internal/deploy"
	"ferry.dev/ferry/internal/testcluster"
)

// TestNeverReadyRolloutTimesOutAndAtomicRollsBack: a new revision whose
// pods run but never pass readiness (kwok's stage for pods annotated
// testcluster.NeverReadyAnnotation, set through the file's annotations)
// fails at --timeout naming the pod and saying so, and --atomic puts the
// previous revision back, recording nothing new.
func TestNeverReadyRolloutTimesOutAndAtomicRollsBack(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx, cancel := context.WithTimeout(t.Context(), safety)
	defer cancel()
	d := e.deployer(t)
	if _, err := d.Run(ctx, request(load(t, shopFile(e.ns, "example.invalid/api:1", "100m", false)))); err != nil {
		t.Fatal(err)
	}

	neverReady := shopFile(e.ns, "example.invalid/api:2", "100m", false) +
		"    annotations:\n      " + testcluster.NeverReadyAnnotation + ": \"true\"\n"
	req := request(load(t, neverReady))
	req.Atomic, req.Timeout = true, 8*time.Second
	res, err := d.Run(ctx, req)
	var rerr *deploy.RolloutError
	if !errors.As(err, &rerr) || !rerr.TimedOut {
		t.Fatalf("deploying a revision that never becomes ready = %v, want a RolloutError at the timeout", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "rollout of Deployment "+e.ns+"/api not finished in time") || !neverReadyPod.MatchString(msg) {
		t.Errorf("failure message does not name the pod and its failing readiness:\n%s", msg)
	}
	if res.RolledBackTo != 1 || !strings.Contains(msg, "rolled back to revision 1") {
		t.Errorf("RolledBackTo = %d, message:\n%s\nwant a rollback to revision 1", res.RolledBackTo, msg)
	}
	api, err := e.client.Typed.AppsV1().Deployments(e.ns).Get(ctx, "api", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tmpl := api.Spec.Template
	if img := tmpl.Spec.Containers[0].Image; img != "example.invalid/api:1" || tmpl.Annotations[testcluster.NeverReadyAnnotation] != "" {
		t.Errorf("after the rollback api runs %s with annotations %v, want example.invalid/api:1 without %s", img, tmpl.Annotations, testcluster.NeverReadyAnnotation)
	}
	if s := api.Status; s.UpdatedReplicas != 2 || s.ReadyReplicas != 2 || s.AvailableReplicas != 2 || s.Replicas != 2 {
		t.Errorf("api after the rollback: %d updated, %d ready, %d available, %d total; want 2 of each",
			s.UpdatedReplicas, s.ReadyReplicas, s.AvailableReplicas, s.Replicas)
	}
	revs, err := d.History(ctx)
	if err != nil || len(revs) != 1 {
		t.Errorf("history after a failed atomic deploy: %d revisions, %v; want only revision 1", len(revs), err)
	}
}

// neverReadyPod is the line naming a pod of the new ReplicaSet that runs
// but is not Ready, with the kubelet's (here kwok's) reason.
var neverReadyPod = regexp.MustCompile(`(?m)^  pod api-[a-z0-9]+-[a-z0-9]{5}: NotReady: running but its readiness check has not passed; ContainersNotReady containers with unready status: \[api\]$`)
