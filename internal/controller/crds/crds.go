package crds

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"slices"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"

	"ferry.dev/ferry/internal/kube/objclient"
)

//go:embed *.yaml
var manifests embed.FS

// FieldManager owns what ferry installs.
const FieldManager = "ferry-controller-install"

// Objects are the CRDs, in name order.
func Objects() ([]*apiextensionsv1.CustomResourceDefinition, error) {
	names, err := fs.Glob(manifests, "*.yaml")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	out := make([]*apiextensionsv1.CustomResourceDefinition, 0, len(names))
	for _, n := range names {
		data, err := manifests.ReadFile(n)
		if err != nil {
			return nil, err
		}
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := yaml.UnmarshalStrict(data, crd); err != nil {
			return nil, fmt.Errorf("reading %s: %w", n, err)
		}
		crd.SetGroupVersionKind(apiextensionsv1.SchemeGroupVersion.WithKind("CustomResourceDefinition"))
		out = append(out, crd)
	}
	return out, nil
}

// Install applies the CRDs (server-side, as FieldManager) and waits until
// the API server serves them (Established). c must know apiextensions/v1.
func Install(ctx context.Context, c objclient.Client) error {
	objs, err := Objects()
	if err != nil {
		return err
	}
	for _, crd := range objs {
		if err := c.Apply(ctx, crd, FieldManager); err != nil {
			return fmt.Errorf("applying CRD %s: %w", crd.Name, err)
		}
	}
	for _, crd := range objs {
		if err := waitEstablished(ctx, c, crd.Name); err != nil {
			return err
		}
	}
	return nil
}
