package release

import (
	"context"
	"fmt"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/deploy"
	"ferry.dev/ferry/internal/spec"
)

// health judges the file's Deployments: the worst rollout wins, and the
// message names the first pod in trouble and why.
func (r *Reconciler) health(ctx context.Context, f *spec.File) (string, string, error) {
	state, msg := v1alpha1.HealthHealthy, "every rollout is complete"
	for _, s := range f.Services {
		ro, found, err := r.rollout(ctx, s.Namespace, s.Name)
		if err != nil {
			return "", "", err
		}
		switch {
		case !found:
			return v1alpha1.HealthProgressing, fmt.Sprintf("Deployment %s/%s not created yet", s.Namespace, s.Name), nil
		case ro.Failed:
			return v1alpha1.HealthDegraded, describe(ro), nil
		case !ro.Done && state == v1alpha1.HealthHealthy:
			state, msg = v1alpha1.HealthProgressing, describe(ro)
		}
	}
	return state, msg, nil
}

func describe(ro deploy.Rollout) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Deployment %s/%s: %d/%d ready", ro.Namespace, ro.Name, ro.Ready, ro.Desired)
	if ro.Reason != "" {
		fmt.Fprintf(&b, "; %s", ro.Reason)
	}
	if len(ro.Pods) > 0 {
		p := ro.Pods[0]
		fmt.Fprintf(&b, "; pod %s: %s: %s", p.Pod, p.Reason, p.Message)
	}
	return b.String()
}

// rollout evaluates one Deployment from the cache. Its ReplicaSets and
// pods are read only for a rollout that is not done (Evaluate needs them
// only then), through the index by service: no list of the namespace.
func (r *Reconciler) rollout(ctx context.Context, ns, name string) (deploy.Rollout, bool, error) {
	d := &appsv1.Deployment{}
	if err := r.Cached.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, d); err != nil {
		if apierrors.IsNotFound(err) {
			return deploy.Rollout{}, false, nil
		}
		return deploy.Rollout{}, false, err
	}
	now := time.Now()
	if ro := deploy.Evaluate(d, nil, nil, now); ro.Done {
		return ro, true, nil
	}
	sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
	if err != nil {
		return deploy.Rollout{}, false, err
	}
	byService := []client.ListOption{client.InNamespace(ns), client.MatchingFields{serviceLabelIndex: name}}
	var rsl appsv1.ReplicaSetList
	var pl corev1.PodList
	if err := r.Cached.List(ctx, &rsl, byService...); err != nil {
		return deploy.Rollout{}, false, err
	}
	if err := r.Cached.List(ctx, &pl, byService...); err != nil {
		return deploy.Rollout{}, false, err
	}
	var rss []*appsv1.ReplicaSet
	for i := range rsl.Items {
		if sel.Matches(labels.Set(rsl.Items[i].Labels)) {
			rss = append(rss, &rsl.Items[i])
		}
	}
	var pods []*corev1.Pod
	for i := range pl.Items {
		if sel.Matches(labels.Set(pl.Items[i].Labels)) {
			pods = append(pods, &pl.Items[i])
		}
	}
	return deploy.Evaluate(d, rss, pods, now), true, nil
}
