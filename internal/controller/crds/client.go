package crds

import (
	"fmt"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/kube"
	"ferry.dev/ferry/internal/kube/objclient"
)

// Client is an objclient of kc for ferry's own objects (ServiceFile,
// Migration), CRDs and unstructured objects: what the CLI and the
// installer read and write, without controller-runtime.
func Client(kc *kube.Client) (*objclient.Dynamic, error) {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{apiextensionsv1.AddToScheme, v1alpha1.AddToScheme} {
		if err := add(s); err != nil {
			return nil, fmt.Errorf("building the scheme of ferry's objects: %w", err)
		}
	}
	return &objclient.Dynamic{Client: kc.Dynamic, Mapper: kc.Mapper, Scheme: s}, nil
}
