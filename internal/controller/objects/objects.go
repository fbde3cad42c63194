package objects

import (
	"context"

	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"ferry.dev/ferry/internal/kube/objclient"
)

// Of is c reading through reader (a cache); a nil reader reads through c.
func Of(c client.Client, reader client.Reader) Adapter {
	if reader == nil {
		reader = c
	}
	return Adapter{c: c, r: reader}
}

// Adapter is the part of objclient.Client the shared code asks of the
// controller's client: reads, updates and status updates.
type Adapter struct {
	c client.Client
	r client.Reader
}

// Get reads key's object into obj.
func (a Adapter) Get(ctx context.Context, key types.NamespacedName, obj objclient.Object) error {
	return a.r.Get(ctx, key, obj)
}

// Update replaces obj, conditional on its resourceVersion.
func (a Adapter) Update(ctx context.Context, obj objclient.Object) error {
	return a.c.Update(ctx, obj)
}

// UpdateStatus replaces obj's status, conditional on its resourceVersion.
func (a Adapter) UpdateStatus(ctx context.Context, obj objclient.Object) error {
	return a.c.Status().Update(ctx, obj)
}
