package release

import (
	"context"
	"fmt"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/deploy"
	"ferry.dev/ferry/internal/render"
	"ferry.dev/ferry/internal/spec"
)

// health judges the file's Deployments: the worst rollout wins, and the
// message names the first pod in trouble and why.
//
// Deployments come from their projections. ReplicaSets and pods are not
// kept (with replicas, pods would be most of the controller's memory, and
// their churn most of its watch traffic): deploy.Evaluate needs them only
// for a rollout the Deployment controller has seen and not finished, so
// only then are they listed, one list of each per namespace for all such
// services of the file.
func (r *Reconciler) health(ctx context.Context, f *spec.File) (string, string, error) {
	now := time.Now()
	deployments := make([]*projection, len(f.Services))
	waiting := map[string][]string{} // namespace → services whose rollouts need their pods
	for i, s := range f.Services {
		p, err := r.source.objects.get(deploy.Ref{APIVersion: "apps/v1", Kind: "Deployment", Namespace: s.Namespace, Name: s.Name})
		if err != nil {
			return "", "", err
		}
		if p == nil || p.rollout == nil {
			continue
		}
		deployments[i] = p
		if needsPods(p.deployment(), now) {
			waiting[p.namespace] = append(waiting[p.namespace], p.name)
		}
	}
	owned, err := r.replicaSetsAndPods(ctx, waiting)
	if err != nil {
		return "", "", err
	}
	state, msg := v1alpha1.HealthHealthy, "every rollout is complete"
	for i, s := range f.Services {
		p := deployments[i]
		if p == nil {
			return v1alpha1.HealthProgressing, fmt.Sprintf("Deployment %s/%s not created yet", s.Namespace, s.Name), nil
		}
		rss, pods := owned.of(p.namespace, p.rollout.selector)
		switch ro := deploy.Evaluate(p.deployment(), rss, pods, now); {
		case ro.Failed:
			return v1alpha1.HealthDegraded, describe(ro), nil
		case !ro.Done && state == v1alpha1.HealthHealthy:
			state, msg = v1alpha1.HealthProgressing, describe(ro)
		}
	}
	return state, msg, nil
}

// needsPods: Evaluate reads ReplicaSets and pods only for a rollout the
// Deployment controller has observed and that is not done.
func needsPods(d *appsv1.Deployment, now time.Time) bool {
	return d.Generation <= d.Status.ObservedGeneration && !deploy.Evaluate(d, nil, nil, now).Done
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

// rolloutObjects are ReplicaSets and pods listed for health.
type rolloutObjects struct {
	rss  []appsv1.ReplicaSet
	pods []corev1.Pod
}

// replicaSetsAndPods lists, in each namespace, the ReplicaSets and pods
// of the services named (by ferry's service label: one request of each
// kind per namespace, whatever the number of services).
func (r *Reconciler) replicaSetsAndPods(ctx context.Context, services map[string][]string) (rolloutObjects, error) {
	var out rolloutObjects
	for ns, names := range services {
		byService, err := labels.NewRequirement(render.ServiceLabel, selection.In, names)
		if err != nil {
			return out, err
		}
		opts := []client.ListOption{client.InNamespace(ns), client.MatchingLabelsSelector{Selector: managed.Add(*byService)}}
		var rsl appsv1.ReplicaSetList
		if err := r.Direct.List(ctx, &rsl, opts...); err != nil {
			return out, fmt.Errorf("listing the ReplicaSets of %s in %s: %w", strings.Join(names, ", "), ns, err)
		}
		var pl corev1.PodList
		if err := r.Direct.List(ctx, &pl, opts...); err != nil {
			return out, fmt.Errorf("listing the pods of %s in %s: %w", strings.Join(names, ", "), ns, err)
		}
		out.rss = append(out.rss, rsl.Items...)
		out.pods = append(out.pods, pl.Items...)
	}
	return out, nil
}

// of is what a Deployment's selector matches in its namespace.
func (o rolloutObjects) of(namespace string, sel labels.Selector) ([]*appsv1.ReplicaSet, []*corev1.Pod) {
	var rss []*appsv1.ReplicaSet
	for i := range o.rss {
		if rs := &o.rss[i]; rs.Namespace == namespace && sel.Matches(labels.Set(rs.Labels)) {
			rss = append(rss, rs)
		}
	}
	var pods []*corev1.Pod
	for i := range o.pods {
		if p := &o.pods[i]; p.Namespace == namespace && sel.Matches(labels.Set(p.Labels)) {
			pods = append(pods, p)
		}
	}
	return rss, pods
}
