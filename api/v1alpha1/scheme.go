package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Kinds of the custom resources the controller reconciles.
const (
	ServiceFileKind = "ServiceFile"
	MigrationKind   = "Migration"
)

// GroupVersion is ferry.dev/v1alpha1 as a schema value.
func GroupVersion() schema.GroupVersion {
	return schema.GroupVersion{Group: Group, Version: Version}
}

// AddToScheme registers ServiceFile and Migration (and their lists) in s.
// MigrationResource is registered under the kind Migration: the Go name
// Migration is the file's migration block, which this package promises.
func AddToScheme(s *runtime.Scheme) error {
	gv := GroupVersion()
	s.AddKnownTypeWithName(gv.WithKind(ServiceFileKind), &ServiceFile{})
	s.AddKnownTypeWithName(gv.WithKind(ServiceFileKind+"List"), &ServiceFileList{})
	s.AddKnownTypeWithName(gv.WithKind(MigrationKind), &MigrationResource{})
	s.AddKnownTypeWithName(gv.WithKind(MigrationKind+"List"), &MigrationResourceList{})
	metav1.AddToGroupVersion(s, gv)
	return nil
}
