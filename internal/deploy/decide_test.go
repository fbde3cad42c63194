package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
)

var now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func TestEvaluate(t *testing.T) {
	tests := []struct {
		name        string
		dep         *appsv1.Deployment
		pods        []*corev1.Pod
		wantDone    bool
		wantFailed  bool
		wantReason  string
		wantPodWhys []string
	}{
		{name: "complete", dep: dep(3, 3, 3, 3), wantDone: true},
		{name: "old replicas remain", dep: dep(3, 3, 4, 3)},
		{name: "generation not observed yet", dep: func() *appsv1.Deployment { d := dep(3, 3, 3, 3); d.Generation = 2; return d }()},
		{
			name: "progress deadline exceeded", wantFailed: true, wantReason: "ProgressDeadlineExceeded: too slow",
			dep: func() *appsv1.Deployment {
				d := dep(3, 1, 3, 2)
				d.Status.Conditions = []appsv1.DeploymentCondition{{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionFalse, Reason: "ProgressDeadlineExceeded", Message: "too slow"}}
				return d
			}(),
		},
		{
			name: "image pull back-off fails at once", dep: dep(2, 1, 3, 2), wantFailed: true, wantReason: "ImagePullBackOff",
			pods:        []*corev1.Pod{waiting("api-new-1", "new-rs", "ImagePullBackOff"), ready("api-new-2", "new-rs")},
			wantPodWhys: []string{"api-new-1 ImagePullBackOff"},
		},
		{
			name: "crash loop fails at once", dep: dep(2, 1, 3, 2), wantFailed: true, wantReason: "CrashLoopBackOff",
			pods:        []*corev1.Pod{waiting("api-new-1", "new-rs", "CrashLoopBackOff")},
			wantPodWhys: []string{"api-new-1 CrashLoopBackOff"},
		},
		{
			name: "unschedulable for a moment is still pending", dep: dep(2, 1, 3, 2),
			pods:        []*corev1.Pod{unschedulable("api-new-1", "new-rs", now.Add(-time.Second))},
			wantPodWhys: []string{"api-new-1 Unschedulable"},
		},
		{
			name: "unschedulable past the grace fails", dep: dep(2, 1, 3, 2), wantFailed: true, wantReason: "Unschedulable",
			pods:        []*corev1.Pod{unschedulable("api-new-1", "new-rs", now.Add(-time.Minute))},
			wantPodWhys: []string{"api-new-1 Unschedulable"},
		},
		{
			name: "pods of the old ReplicaSet are ignored", dep: dep(2, 1, 3, 2),
			pods: []*corev1.Pod{waiting("api-old-1", "old-rs", "CrashLoopBackOff")},
		},
		{
			name: "running but never ready", dep: dep(2, 1, 3, 2),
			pods:        []*corev1.Pod{notReady("api-new-1", "new-rs")},
			wantPodWhys: []string{"api-new-1 NotReady"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Evaluate(tt.dep, replicaSets(), tt.pods, now)
			if got.Done != tt.wantDone || got.Failed != tt.wantFailed || got.Reason != tt.wantReason {
				t.Errorf("Evaluate = done %v failed %v reason %q, want %v %v %q", got.Done, got.Failed, got.Reason, tt.wantDone, tt.wantFailed, tt.wantReason)
			}
			var whys []string
			for _, p := range got.Pods {
				whys = append(whys, p.Pod+" "+p.Reason)
			}
			if diff := cmp.Diff(tt.wantPodWhys, whys); diff != "" {
				t.Errorf("pod problems (-want +got):\n%s", diff)
			}
		})
	}
}

func dep(desired, updated, total, available int32) *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "api", UID: "dep", Generation: 1, Annotations: map[string]string{RevisionAnnotation: "2"}},
		Spec:       appsv1.DeploymentSpec{Replicas: &desired},
		Status: appsv1.DeploymentStatus{
			ObservedGeneration: 1, Replicas: total, UpdatedReplicas: updated, ReadyReplicas: available, AvailableReplicas: available,
		},
	}
}

func replicaSets() []*appsv1.ReplicaSet {
	owner := []metav1.OwnerReference{{UID: "dep"}}
	return []*appsv1.ReplicaSet{
		{ObjectMeta: metav1.ObjectMeta{Name: "api-old", UID: "old-rs", OwnerReferences: owner, Annotations: map[string]string{RevisionAnnotation: "1"}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "api-new", UID: "new-rs", OwnerReferences: owner, Annotations: map[string]string{RevisionAnnotation: "2"}}},
	}
}

func pod(name, rs string) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, OwnerReferences: []metav1.OwnerReference{{UID: types.UID(rs)}}}}
}

func waiting(name, rs, reason string) *corev1.Pod {
	p := pod(name, rs)
	p.Status.Phase = corev1.PodPending
	p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "api", State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason, Message: "back-off"}}}}
	return p
}

func ready(name, rs string) *corev1.Pod {
	p := pod(name, rs)
	p.Status.Phase = corev1.PodRunning
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
	return p
}

func notReady(name, rs string) *corev1.Pod {
	p := pod(name, rs)
	p.Status.Phase = corev1.PodRunning
	p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionTrue}, {Type: corev1.PodReady, Status: corev1.ConditionFalse, Reason: "ContainersNotReady"}}
	return p
}

func unschedulable(name, rs string, since time.Time) *corev1.Pod {
	p := pod(name, rs)
	p.Status.Phase = corev1.PodPending
	p.Status.Conditions = []corev1.PodCondition{{
		Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: corev1.PodReasonUnschedulable,
		Message: "0/6 nodes are available: 6 Insufficient cpu.", LastTransitionTime: metav1.NewTime(since),
	}}
	return p
}

func TestPruneCandidates(t *testing.T) {
	ns := Ref{APIVersion: "v1", Kind: "Namespace", Name: "shop"}
	api := Ref{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "api"}
	old := Ref{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "old"}
	oldSvc := Ref{APIVersion: "v1", Kind: "Service", Namespace: "shop", Name: "old"}
	gone := Ref{APIVersion: "v1", Kind: "Namespace", Name: "gone"}
	tests := []struct {
		name               string
		inventory, desired []Ref
		want               []Ref
	}{
		{name: "first deploy", desired: []Ref{ns, api}},
		{name: "nothing left", inventory: []Ref{ns, api}, desired: []Ref{ns, api}},
		{name: "a service left", inventory: []Ref{ns, api, old, oldSvc}, desired: []Ref{ns, api}, want: []Ref{old, oldSvc}},
		{name: "namespaces are never pruned", inventory: []Ref{gone, ns, api}, desired: []Ref{ns, api}},
		{name: "another API version is the same object", inventory: []Ref{{APIVersion: "apps/v1beta2", Kind: "Deployment", Namespace: "shop", Name: "api"}}, desired: []Ref{api}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, PruneCandidates(tt.inventory, tt.desired)); diff != "" {
				t.Errorf("PruneCandidates (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOwned(t *testing.T) {
	ferry := map[string]string{"app.kubernetes.io/managed-by": "ferry", "ferry.dev/service": "api"}
	tests := []struct {
		name    string
		labels  map[string]string
		service string
		want    bool
	}{
		{name: "ferry's", labels: ferry, want: true},
		{name: "ferry's, this service", labels: ferry, service: "api", want: true},
		{name: "ferry's, another service", labels: ferry, service: "web"},
		{name: "labels removed by someone", labels: map[string]string{"app.kubernetes.io/managed-by": "ferry"}},
		{name: "someone else's", labels: map[string]string{"app.kubernetes.io/managed-by": "helm", "ferry.dev/service": "api"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Owned(tt.labels, tt.service); got != tt.want {
				t.Errorf("Owned = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTransient(t *testing.T) {
	gr := schema.GroupResource{Group: "apps", Resource: "deployments"}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{name: "connection refused", err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, want: true},
		{name: "server timeout", err: apierrors.NewServerTimeout(gr, "apply", 1), want: true},
		{name: "too many requests", err: apierrors.NewTooManyRequests("slow down", 1), want: true},
		{name: "internal error", err: apierrors.NewInternalError(errors.New("etcd")), want: true},
		{name: "service unavailable", err: apierrors.NewServiceUnavailable("starting"), want: true},
		{name: "wrapped", err: fmt.Errorf("applying: %w", apierrors.NewServiceUnavailable("starting")), want: true},
		{name: "invalid", err: apierrors.NewInvalid(schema.GroupKind{Kind: "Deployment"}, "api", nil)},
		{name: "forbidden", err: apierrors.NewForbidden(gr, "api", errors.New("no"))},
		{name: "field manager conflict", err: apierrors.NewConflict(gr, "api", errors.New(`conflict with "other"`))},
		{name: "cancelled", err: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Transient(tt.err); got != tt.want {
				t.Errorf("Transient(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestPickRollback(t *testing.T) {
	revs := []Revision{{Number: 1}, {Number: 2}, {Number: 4}}
	tests := []struct {
		name    string
		revs    []Revision
		to      int
		want    int
		wantErr bool
	}{
		{name: "the one before the latest", revs: revs, want: 2},
		{name: "a given one", revs: revs, to: 1, want: 1},
		{name: "a missing one", revs: revs, to: 3, wantErr: true},
		{name: "only one revision", revs: revs[:1], wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pickRollback(tt.revs, tt.to)
			if (err != nil) != tt.wantErr || (err == nil && got.Number != tt.want) {
				t.Errorf("pickRollback = %d, %v; want %d (error %v)", got.Number, err, tt.want, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrNoRevision) {
				t.Errorf("error %v is not ErrNoRevision", err)
			}
		})
	}
}

func TestUnifiedIgnoresServerFields(t *testing.T) {
	live := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "a", "resourceVersion": "7", "uid": "x", "managedFields": []any{}},
		"data":     map[string]any{"k": "old"},
	}}
	same := live.DeepCopy()
	same.SetResourceVersion("8")
	ref := RefOf(live)
	if d, err := Unified(ref, live, same); err != nil || d != "" {
		t.Errorf("Unified of objects differing only in server fields = %q, %v; want no diff", d, err)
	}
	changed := same.DeepCopy()
	changed.Object["data"] = map[string]any{"k": "new"}
	d, err := Unified(ref, live, changed)
	if err != nil || !strings.Contains(d, "-  k: old") || !strings.Contains(d, "+  k: new") {
		t.Errorf("Unified = %q, %v; want the data change", d, err)
	}
}

func TestInPlace(t *testing.T) {
	desired := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Service",
		"metadata": map[string]any{"name": "api", "labels": map[string]any{"a": "1"}},
		"spec":     map[string]any{"ports": []any{map[string]any{"port": json.Number("80")}}},
	}}
	if err := stamp(desired); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func(live map[string]any)
		want bool
	}{
		{name: "as applied, plus server defaults", want: true, edit: func(l map[string]any) {
			l["spec"].(map[string]any)["clusterIP"] = "10.0.0.1"
			l["spec"].(map[string]any)["ports"].([]any)[0].(map[string]any)["protocol"] = "TCP"
			l["status"] = map[string]any{}
		}},
		{name: "a label removed by hand", edit: func(l map[string]any) { delete(l["metadata"].(map[string]any)["labels"].(map[string]any), "a") }},
		{name: "a value edited by hand", edit: func(l map[string]any) {
			l["spec"].(map[string]any)["ports"].([]any)[0].(map[string]any)["port"] = int64(81)
		}},
		{name: "a list element added", edit: func(l map[string]any) {
			l["spec"].(map[string]any)["ports"] = append(l["spec"].(map[string]any)["ports"].([]any), map[string]any{"port": int64(82)})
		}},
		{name: "applied from another configuration", edit: func(l map[string]any) {
			l["metadata"].(map[string]any)["annotations"].(map[string]any)[AppliedAnnotation] = "0123"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			live := desired.DeepCopy()
			live.Object["spec"].(map[string]any)["ports"] = []any{map[string]any{"port": int64(80)}}
			tt.edit(live.Object)
			if got := InPlace(desired, live); got != tt.want {
				t.Errorf("InPlace = %v, want %v", got, tt.want)
			}
		})
	}
	if InPlace(desired, nil) {
		t.Error("InPlace with no live object = true")
	}
}

func TestProgressChanged(t *testing.T) {
	pending := Rollout{Updated: 1, Desired: 2, Pods: []PodProblem{{Pod: "api-1", Reason: "Pending"}}}
	tests := []struct {
		name string
		next Rollout
		want bool
	}{
		{name: "same", next: pending, want: false},
		{name: "message only", next: Rollout{Updated: 1, Desired: 2, Pods: []PodProblem{{Pod: "api-1", Reason: "Pending", Message: "later"}}}, want: false},
		{name: "pod now running but not ready", next: Rollout{Updated: 1, Desired: 2, Pods: []PodProblem{{Pod: "api-1", Reason: "NotReady"}}}, want: true},
		{name: "another pod", next: Rollout{Updated: 1, Desired: 2, Pods: []PodProblem{{Pod: "api-2", Reason: "Pending"}}}, want: true},
		{name: "count moved", next: Rollout{Updated: 2, Desired: 2, Pods: pending.Pods}, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := progressChanged(pending, tt.next); got != tt.want {
				t.Errorf("progressChanged = %v, want %v", got, tt.want)
			}
		})
	}
}
