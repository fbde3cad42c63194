// Package crds holds the CustomResourceDefinitions of ferry's custom
// resources (ServiceFile, Migration), written by hack/crd.sh from the
// markers in api/v1alpha1, and installs them.
package crds
