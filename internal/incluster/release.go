package incluster

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"ferry.dev/ferry/api/v1alpha1"
)

// Condition types the controller writes on a ServiceFile.
const condSynced = "Synced"

// Applied is a ServiceFile the controller has applied at the generation
// the command wrote.
type Applied struct {
	Object *v1alpha1.ServiceFile
	// Unchanged: the object already held this file (its generation did
	// not change), so the controller had nothing new to apply.
	Unchanged bool
}

// ApplyServiceFile creates want or updates the ServiceFile of its name
// with want's spec (conditional on the resourceVersion read; a conflict
// reads again and retries), keeping what the file does not say (selfHeal,
// suspend), and waits until the controller has applied that generation.
// A suspended file, a file the controller refuses, or one it cannot apply
// (a conflict with another field manager) is an error; nothing acting on
// it within Observe is ErrNoController.
func (c *Client) ApplyServiceFile(ctx context.Context, want *v1alpha1.ServiceFile) (Applied, error) {
	obj, unchanged, err := c.writeServiceFile(ctx, want)
	if err != nil {
		return Applied{}, err
	}
	if obj.Spec.Suspend {
		return Applied{}, fmt.Errorf("ServiceFile %s/%s is suspended (spec.suspend): the controller applies nothing until it is resumed", obj.Namespace, obj.Name)
	}
	gen := obj.Generation
	deadline := time.Now().Add(c.observe())
	var got *v1alpha1.ServiceFile
	err = c.until(ctx, func(ctx context.Context) (bool, error) {
		sf, err := c.ServiceFile(ctx, obj.Name)
		if err != nil {
			return false, err
		}
		got = sf
		if done, err := appliedAt(sf, gen); done || err != nil {
			return done, err
		}
		if sf.Status.ObservedGeneration < gen && time.Now().After(deadline) {
			return false, fmt.Errorf("ServiceFile %s/%s generation %d: %w within %v", sf.Namespace, sf.Name, gen, ErrNoController, c.observe())
		}
		return false, nil
	})
	return Applied{Object: got, Unchanged: unchanged}, err
}

// writeServiceFile creates or updates the object; it returns the object
// written and whether it held want's spec already.
func (c *Client) writeServiceFile(ctx context.Context, want *v1alpha1.ServiceFile) (*v1alpha1.ServiceFile, bool, error) {
	key := types.NamespacedName{Namespace: want.Namespace, Name: want.Name}
	for attempt := 0; ; attempt++ {
		have := &v1alpha1.ServiceFile{}
		err := c.C.Get(ctx, key, have)
		if apierrors.IsNotFound(err) {
			obj := want.DeepCopy()
			err := c.C.Create(ctx, obj)
			if err == nil {
				return obj, false, nil
			}
			if apierrors.IsAlreadyExists(err) && attempt < 10 {
				continue // created meanwhile: update it
			}
			return nil, false, fmt.Errorf("creating ServiceFile %s: %w", key, err)
		}
		if err != nil {
			return nil, false, fmt.Errorf("reading ServiceFile %s: %w", key, err)
		}
		obj := have.DeepCopy()
		selfHeal, suspend := obj.Spec.SelfHeal, obj.Spec.Suspend
		obj.Spec = *want.Spec.DeepCopy()
		obj.Spec.SelfHeal, obj.Spec.Suspend = selfHeal, suspend
		for k, v := range want.Labels {
			metav1.SetMetaDataLabel(&obj.ObjectMeta, k, v)
		}
		// A rollback's mark is of the spec as written, selfHeal and
		// suspend included; anything else is no rollback.
		delete(obj.Annotations, v1alpha1.RollbackAnnotation)
		if n := want.RollbackOf(); n != 0 {
			if err := obj.MarkRollbackOf(n); err != nil {
				return nil, false, err
			}
		}
		err = c.C.Update(ctx, obj)
		if err == nil {
			return obj, obj.Generation == have.Generation, nil
		}
		if !apierrors.IsConflict(err) || attempt >= 10 {
			return nil, false, fmt.Errorf("updating ServiceFile %s: %w", key, err)
		}
	}
}

// appliedAt reports whether the controller has applied generation gen of
// sf, or failed to.
func appliedAt(sf *v1alpha1.ServiceFile, gen int64) (bool, error) {
	if sf.Status.ObservedGeneration < gen {
		return false, nil
	}
	if v := meta.FindStatusCondition(sf.Status.Conditions, "Valid"); v != nil && v.Status == metav1.ConditionFalse {
		return false, fmt.Errorf("the controller refused ServiceFile %s/%s: %s", sf.Namespace, sf.Name, v.Message)
	}
	s := meta.FindStatusCondition(sf.Status.Conditions, condSynced)
	if s != nil && s.Status == metav1.ConditionFalse && s.Reason == "Conflict" {
		return false, fmt.Errorf("the controller could not apply ServiceFile %s/%s: %s", sf.Namespace, sf.Name, s.Message)
	}
	r := sf.Status.LastDeploy
	return r != nil && r.Generation >= gen, nil
}

// ServiceFile reads the ServiceFile name; ErrNotFound when there is none.
func (c *Client) ServiceFile(ctx context.Context, name string) (*v1alpha1.ServiceFile, error) {
	sf := &v1alpha1.ServiceFile{}
	return sf, c.get(ctx, "ServiceFile", name, sf)
}

// Rollout is where a ServiceFile's rollout stands.
type Rollout struct {
	Health  string
	Message string
}

// AwaitHealthy waits until the controller reports name Healthy or
// Degraded (an error naming the pod and reason), calling observe with
// each new health; ctx bounds it.
func (c *Client) AwaitHealthy(ctx context.Context, name string, observe func(Rollout)) error {
	var last Rollout
	return c.until(ctx, func(ctx context.Context) (bool, error) {
		sf, err := c.ServiceFile(ctx, name)
		if err != nil {
			return false, err
		}
		now := Rollout{Health: sf.Status.Health, Message: healthMessage(sf)}
		if now != last && now.Health != "" {
			last = now
			observe(now)
		}
		switch now.Health {
		case v1alpha1.HealthHealthy:
			return true, nil
		case v1alpha1.HealthDegraded:
			return false, fmt.Errorf("ServiceFile %s/%s is Degraded: %s", sf.Namespace, sf.Name, now.Message)
		}
		return false, nil
	})
}

func healthMessage(sf *v1alpha1.ServiceFile) string {
	if c := meta.FindStatusCondition(sf.Status.Conditions, "Healthy"); c != nil {
		return c.Message
	}
	return sf.Status.Message
}
