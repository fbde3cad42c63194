// Package objects adapts controller-runtime's client to the calls the
// Migration store (internal/controller/migstore) makes, so the store runs
// on the controller's client and cache here and on client-go's dynamic
// client (internal/kube/objclient) in the CLI, which links no
// controller-runtime.
package objects
