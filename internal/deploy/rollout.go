package deploy

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Rollout is where one Deployment's rollout stands.
type Rollout struct {
	Namespace string
	Name      string
	Desired   int32
	Updated   int32
	Ready     int32
	Available int32
	Done      bool
	// Failed is set once the rollout cannot succeed; Reason says why.
	Failed bool
	Reason string
	// Pods of the new ReplicaSet that are not Ready, with why.
	Pods []PodProblem
}

// PodProblem is why one pod is not Ready.
type PodProblem struct {
	Pod     string
	Reason  string
	Message string
	// Since is when the pod's scheduling condition last changed.
	Since time.Time `json:"-"`
	// Events are the pod's recent warning events, oldest first.
	Events []string
}

// fatalWaiting are container waiting reasons that do not heal on their
// own: the rollout has failed as soon as a new pod shows one.
var fatalWaiting = []string{
	"ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull",
	"CrashLoopBackOff", "CreateContainerConfigError", "CreateContainerError", "RunContainerError",
}

// unschedulableGrace is how long pods may stay unschedulable before the
// rollout counts as failed; an autoscaler may add a node meanwhile.
const unschedulableGrace = 30 * time.Second

// RevisionAnnotation is the Deployment controller's revision of a
// Deployment and of each of its ReplicaSets: how Evaluate tells the new
// ReplicaSet from the old.
const RevisionAnnotation = "deployment.kubernetes.io/revision"

// Evaluate decides where a Deployment's rollout stands from the
// Deployment, its ReplicaSets and pods (any order, others' ignored).
func Evaluate(d *appsv1.Deployment, rss []*appsv1.ReplicaSet, pods []*corev1.Pod, now time.Time) Rollout {
	r := Rollout{
		Namespace: d.Namespace, Name: d.Name, Desired: 1,
		Updated: d.Status.UpdatedReplicas, Ready: d.Status.ReadyReplicas, Available: d.Status.AvailableReplicas,
	}
	if d.Spec.Replicas != nil {
		r.Desired = *d.Spec.Replicas
	}
	for _, c := range d.Status.Conditions {
		if c.Type == appsv1.DeploymentProgressing && c.Reason == "ProgressDeadlineExceeded" {
			r.Failed, r.Reason = true, "ProgressDeadlineExceeded: "+c.Message
		}
	}
	observed := d.Generation <= d.Status.ObservedGeneration
	r.Done = observed && !r.Failed && r.Updated == r.Desired &&
		d.Status.Replicas == r.Updated && r.Available == r.Updated
	if r.Done {
		return r
	}
	if rs := newReplicaSet(d, rss); rs != nil && observed {
		r.Pods = podProblems(rs, pods)
	}
	for _, p := range r.Pods {
		if !r.Failed && fatal(p, now) {
			r.Failed, r.Reason = true, p.Reason
		}
	}
	return r
}

// newReplicaSet is the ReplicaSet of the Deployment's current revision.
func newReplicaSet(d *appsv1.Deployment, rss []*appsv1.ReplicaSet) *appsv1.ReplicaSet {
	rev := d.Annotations[RevisionAnnotation]
	for _, rs := range rss {
		if ownedBy(rs.OwnerReferences, string(d.UID)) && rev != "" && rs.Annotations[RevisionAnnotation] == rev {
			return rs
		}
	}
	return nil
}

func podProblems(rs *appsv1.ReplicaSet, pods []*corev1.Pod) []PodProblem {
	var out []PodProblem
	for _, p := range pods {
		if !ownedBy(p.OwnerReferences, string(rs.UID)) || p.DeletionTimestamp != nil {
			continue
		}
		if prob, ok := diagnose(p); ok {
			out = append(out, prob)
		}
	}
	slices.SortFunc(out, func(a, b PodProblem) int { return strings.Compare(a.Pod, b.Pod) })
	return out
}

// diagnose says why a pod is not Ready, most specific cause first.
func diagnose(p *corev1.Pod) (PodProblem, bool) {
	prob := PodProblem{Pod: p.Name}
	for _, cs := range append(slices.Clone(p.Status.InitContainerStatuses), p.Status.ContainerStatuses...) {
		if w := cs.State.Waiting; w != nil && w.Reason != "" && w.Reason != "ContainerCreating" && w.Reason != "PodInitializing" {
			prob.Reason, prob.Message = w.Reason, fmt.Sprintf("container %s: %s", cs.Name, w.Message)
			return prob, true
		}
		if t := cs.LastTerminationState.Terminated; t != nil && !cs.Ready && cs.RestartCount > 0 {
			prob.Reason = "Restarting"
			prob.Message = fmt.Sprintf("container %s exited with %d (%s) and restarted %d times", cs.Name, t.ExitCode, t.Reason, cs.RestartCount)
			return prob, true
		}
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse {
			prob.Reason, prob.Message = cmp.Or(c.Reason, "NotScheduled"), c.Message
			prob.Since = c.LastTransitionTime.Time
			return prob, true
		}
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady && c.Status != corev1.ConditionTrue {
			prob.Reason = "NotReady"
			prob.Message = strings.TrimSpace(c.Reason + " " + c.Message)
			if p.Status.Phase == corev1.PodRunning {
				prob.Message = "running but its readiness check has not passed; " + prob.Message
			}
			return prob, true
		}
	}
	if p.Status.Phase == corev1.PodPending {
		prob.Reason, prob.Message = "Pending", p.Status.Message
		return prob, true
	}
	return prob, false
}

// fatal reports whether a pod's problem means the rollout cannot succeed.
func fatal(p PodProblem, now time.Time) bool {
	if slices.Contains(fatalWaiting, p.Reason) {
		return true
	}
	return p.Reason == corev1.PodReasonUnschedulable && !p.Since.IsZero() && now.Sub(p.Since) >= unschedulableGrace
}

func ownedBy(refs []metav1.OwnerReference, uid string) bool {
	for _, o := range refs {
		if string(o.UID) == uid {
			return true
		}
	}
	return false
}
