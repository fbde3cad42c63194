// Package objclient reads and writes whole Kubernetes objects, typed or
// unstructured, with the few calls ferry's CLI makes on its own custom
// resources and on the controller's install manifests: get, create,
// update, update status, delete with preconditions, and server-side apply.
//
// It exists so that the ferry binary does not link controller-runtime:
// controller-runtime's client registers Prometheus collectors and builds
// schemes in its package initialisation, which every start of every ferry
// command paid (about 6 ms of the 17 ms a start took). The controller, a
// binary of its own, adapts its controller-runtime client to the calls the
// Migration store makes (internal/controller/objects), so the code that
// reads and writes a Migration's state (internal/controller/migstore) is
// the same in both.
package objclient
