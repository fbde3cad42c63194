package deploy

import (
	"context"
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"ferry.dev/ferry/internal/render"
)

const inventoryKey = "objects.json"

func (d *Deployer) inventoryName() string { return "ferry." + d.release }

// readInventory returns the objects the release may own and the
// ConfigMap's resourceVersion ("" when there is none yet).
func (d *Deployer) readInventory(ctx context.Context) ([]Ref, string, error) {
	var cm *corev1.ConfigMap
	err := retry(ctx, d.backoff, d.retryNote, func(ctx context.Context) error {
		var err error
		cm, err = d.client.Typed.CoreV1().ConfigMaps(d.Namespace()).Get(ctx, d.inventoryName(), metav1.GetOptions{})
		return err
	})
	if apierrors.IsNotFound(err) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("reading the inventory %s/%s: %w", d.Namespace(), d.inventoryName(), err)
	}
	var refs []Ref
	if err := json.Unmarshal([]byte(cm.Data[inventoryKey]), &refs); err != nil {
		return nil, "", fmt.Errorf("reading the inventory %s/%s: %w", d.Namespace(), d.inventoryName(), err)
	}
	return refs, cm.ResourceVersion, nil
}

// writeInventory replaces the inventory with refs. resourceVersion guards
// against another deploy of the same release writing in between.
func (d *Deployer) writeInventory(ctx context.Context, refs []Ref, resourceVersion string) (string, error) {
	raw, err := json.Marshal(sortedRefs(refs))
	if err != nil {
		return "", fmt.Errorf("encoding the inventory: %w", err)
	}
	cm := &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{
			Name: d.inventoryName(), Namespace: d.Namespace(), ResourceVersion: resourceVersion,
			Labels: map[string]string{render.ManagedByLabel: render.ManagedBy, ReleaseLabel: d.release, RecordLabel: "inventory"},
		},
		Data: map[string]string{inventoryKey: string(raw)},
	}
	cms := d.client.Typed.CoreV1().ConfigMaps(d.Namespace())
	var got *corev1.ConfigMap
	err = retry(ctx, d.backoff, d.retryNote, func(ctx context.Context) error {
		var err error
		if resourceVersion == "" {
			got, err = cms.Create(ctx, cm, metav1.CreateOptions{FieldManager: FieldManager})
		} else {
			got, err = cms.Update(ctx, cm, metav1.UpdateOptions{FieldManager: FieldManager})
		}
		return err
	})
	if apierrors.IsConflict(err) || apierrors.IsAlreadyExists(err) {
		// A write whose answer was lost to a dropped connection looks like
		// a conflict on its retry; it is ours when the content matches.
		if now, rv, rerr := d.readInventory(ctx); rerr == nil && sameRefs(now, refs) {
			return rv, nil
		}
		return "", fmt.Errorf("writing the inventory %s/%s: another deploy of release %s changed it meanwhile; try again: %w", d.Namespace(), d.inventoryName(), d.release, err)
	}
	if err != nil {
		return "", fmt.Errorf("writing the inventory %s/%s: %w", d.Namespace(), d.inventoryName(), err)
	}
	return got.ResourceVersion, nil
}

func sameRefs(a, b []Ref) bool {
	a, b = sortedRefs(a), sortedRefs(b)
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].key() != b[i].key() {
			return false
		}
	}
	return true
}
