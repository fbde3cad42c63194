package release

import (
	"fmt"

	"sigs.k8s.io/yaml"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/spec"
)

// Load is the service file sf holds, loaded, defaulted and checked by
// spec.Load as a file on disk would be. Services with no namespace go to
// sf's namespace.
func Load(sf *v1alpha1.ServiceFile) (*spec.File, error) {
	f := v1alpha1.File{
		APIVersion: v1alpha1.APIVersion, Kind: v1alpha1.Kind,
		Defaults: sf.Spec.Defaults.DeepCopy(), Migration: sf.Spec.Migration, Services: sf.Spec.Services,
		Notifications: sf.Spec.Notifications, // recorded with each revision, so a rollback keeps them
	}
	if f.Defaults == nil {
		f.Defaults = &v1alpha1.Defaults{}
	}
	if f.Defaults.Namespace == "" {
		f.Defaults.Namespace = sf.Namespace
	}
	data, err := yaml.Marshal(f)
	if err != nil {
		return nil, fmt.Errorf("encoding the service file: %w", err)
	}
	return spec.Load("ServiceFile "+sf.Namespace+"/"+sf.Name, data)
}
