// Package v1alpha1 is ferry's public, versioned file format: the types a
// ferry.yaml decodes into (apiVersion ferry.dev/v1alpha1, kind Services).
//
// These types are a promise to Go importers and to every file on disk: fields
// are only added, never renamed or reinterpreted, within v1alpha1. They hold
// the file exactly as written — strings for durations and quantities, nil for
// what was omitted — so the loader (internal/spec) can point at the line of a
// bad value and never confuse "not set" with "set to zero". Defaults and
// parsing live in internal/spec.
//
// The package also holds the custom resources of "ferry controller"
// (ServiceFile, Migration); the +kubebuilder markers are read by
// controller-gen (hack/crd.sh) to write their CRDs.
//
// +kubebuilder:object:generate=true
// +groupName=ferry.dev
package v1alpha1

// APIVersion and Kind identify a ferry service file.
const (
	Group      = "ferry.dev"
	Version    = "v1alpha1"
	APIVersion = Group + "/" + Version
	Kind       = "Services"
)
