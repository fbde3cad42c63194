package migstore

import (
	"fmt"

	"sigs.k8s.io/yaml"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/migrate"
	"ferry.dev/ferry/internal/spec"
)

// placeholderImage and placeholderPort fill the fields a service file
// requires of a service with a domain that a migration does not use (the
// container's image and port).
const (
	placeholderImage = "ferry.dev/migration-only:0"
	placeholderPort  = 8080
)

// ConfigFor is the migration m describes, through the one settings model:
// m's spec becomes a service file of one service, which spec.Load
// defaults and checks as it would on disk, and migrate.FromSpec copies.
// Its errors name the file fields ("migration.hold", "services.api.legacy"),
// which are spec.settings.* and spec.* of the object.
func ConfigFor(m *v1alpha1.MigrationResource) (migrate.Config, error) {
	legacy, cluster, port := m.Spec.Legacy, m.Spec.Cluster, placeholderPort
	f := v1alpha1.File{
		APIVersion: v1alpha1.APIVersion, Kind: v1alpha1.Kind, Migration: m.Spec.Settings,
		Services: map[string]*v1alpha1.Service{m.Spec.Service: {
			Image: placeholderImage, Port: &port, Domain: m.Spec.Domain, PreviewDomain: m.Spec.PreviewDomain,
			Health: m.Spec.Health, DNSTTL: m.Spec.DNSTTL, Legacy: &legacy, Cluster: &cluster,
		}},
	}
	data, err := yaml.Marshal(f)
	if err != nil {
		return migrate.Config{}, fmt.Errorf("encoding the migration's settings: %w", err)
	}
	sf, err := spec.Load("Migration "+m.Namespace+"/"+m.Name, data)
	if err != nil {
		return migrate.Config{}, err
	}
	return migrate.FromSpec(sf, m.Spec.Service)
}
