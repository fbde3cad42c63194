package testcluster

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"
)

// gatewayModule is the Go module whose standard-channel manifests
// InstallGatewayCRDs applies, at the version ferry's go.mod requires.
const gatewayModule = "sigs.k8s.io/gateway-api"

// fieldManager owns what testcluster applies.
const fieldManager = "ferry-testcluster"

var crdResource = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// InstallGatewayCRDs applies the Gateway API standard channel (the CRDs of
// HTTPRoute, Gateway, GatewayClass and the rest, from the sigs.k8s.io/gateway-api
// module at the version in ferry's go.mod) and waits until every CRD is
// Established. Idempotent; later calls on the same cluster return at once.
func (c *Cluster) InstallGatewayCRDs(ctx context.Context) error {
	c.gatewayMu.Lock()
	defer c.gatewayMu.Unlock()
	if c.gatewayInstalled {
		return nil
	}
	objs, err := gatewayManifests(ctx)
	if err != nil {
		return err
	}
	crds, err := c.apply(ctx, objs)
	if err != nil {
		return fmt.Errorf("installing the Gateway API CRDs: %w", err)
	}
	if err := c.waitEstablished(ctx, crds); err != nil {
		return fmt.Errorf("installing the Gateway API CRDs: %w", err)
	}
	c.gatewayInstalled = true
	return nil
}

// gatewayManifests reads config/crd/standard from the module. go mod
// download fetches it in a fresh clone and checks it against go.sum.
func gatewayManifests(ctx context.Context) ([]*unstructured.Unstructured, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "go", "mod", "download", "-json", gatewayModule)
	cmd.Dir = root
	out, err := cmd.Output()
	var mod struct{ Dir, Version, Error string }
	if jsonErr := json.Unmarshal(out, &mod); jsonErr != nil || mod.Error != "" || err != nil {
		return nil, fmt.Errorf("downloading %s: %w (%s)", gatewayModule, errors.Join(err, jsonErr), mod.Error)
	}
	files, err := filepath.Glob(filepath.Join(mod.Dir, "config", "crd", "standard", "*.yaml"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("reading %s@%s: no manifests in config/crd/standard", gatewayModule, mod.Version)
	}
	var objs []*unstructured.Unstructured
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("reading %s@%s: %w", gatewayModule, mod.Version, err)
		}
		got, err := decodeObjects(raw)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", f, err)
		}
		objs = append(objs, got...)
	}
	return objs, nil
}

// decodeObjects splits multi-document YAML into objects, skipping empty
// documents.
func decodeObjects(raw []byte) ([]*unstructured.Unstructured, error) {
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(raw), 4096)
	var objs []*unstructured.Unstructured
	for range 1024 { // bounded: a manifest file holds a few documents
		var o unstructured.Unstructured
		err := dec.Decode(&o.Object)
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("decoding YAML: %w", err)
		}
		if o.GetKind() != "" {
			objs = append(objs, &o)
		}
	}
	return nil, errors.New("decoding YAML: more than 1024 documents")
}

// apply server-side applies objects of any kind the cluster serves and
// returns the names of the CRDs among them.
func (c *Cluster) apply(ctx context.Context, objs []*unstructured.Unstructured) ([]string, error) {
	dyn, err := dynamic.NewForConfig(c.rest)
	if err != nil {
		return nil, fmt.Errorf("creating a dynamic client: %w", err)
	}
	disc, err := discovery.NewDiscoveryClientForConfig(c.rest)
	if err != nil {
		return nil, fmt.Errorf("creating a discovery client: %w", err)
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disc))
	var crds []string
	for _, o := range objs {
		gvk := o.GroupVersionKind()
		m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			return nil, fmt.Errorf("mapping %s %s: %w", gvk.Kind, o.GetName(), err)
		}
		ri := dyn.Resource(m.Resource).Namespace(o.GetNamespace())
		opts := metav1.ApplyOptions{FieldManager: fieldManager, Force: true}
		if _, err := ri.Apply(ctx, o.GetName(), o, opts); err != nil {
			return nil, fmt.Errorf("applying %s %s: %w", gvk.Kind, o.GetName(), err)
		}
		if m.Resource == crdResource {
			crds = append(crds, o.GetName())
		}
	}
	return crds, nil
}

// waitEstablished watches CRDs until every named one is Established.
func (c *Cluster) waitEstablished(ctx context.Context, names []string) error {
	dyn, err := dynamic.NewForConfig(c.rest)
	if err != nil {
		return fmt.Errorf("creating a dynamic client: %w", err)
	}
	ri := dyn.Resource(crdResource)
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return ri.List(ctx, o)
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			return ri.Watch(ctx, o)
		},
	}
	pending := map[string]bool{}
	for _, n := range names {
		pending[n] = true
	}
	_, err = watchtools.UntilWithSync(ctx, lw, &unstructured.Unstructured{}, nil, func(ev watch.Event) (bool, error) {
		u, ok := ev.Object.(*unstructured.Unstructured)
		if ok && ev.Type != watch.Deleted && established(u) {
			delete(pending, u.GetName())
		}
		return len(pending) == 0, nil
	})
	if err != nil {
		return fmt.Errorf("waiting for %d CRDs to be Established: %w", len(pending), err)
	}
	return nil
}

func established(crd *unstructured.Unstructured) bool {
	conds, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
	for _, c := range conds {
		m, ok := c.(map[string]any)
		if ok && m["type"] == "Established" && m["status"] == "True" {
			return true
		}
	}
	return false
}

// InstallCRDFiles applies the manifests in files (CRDs, and anything else
// the cluster serves) and waits until every CRD among them is Established.
// Idempotent: applying again changes nothing.
func (c *Cluster) InstallCRDFiles(ctx context.Context, files ...string) error {
	var objs []*unstructured.Unstructured
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("installing CRDs: %w", err)
		}
		got, err := decodeObjects(raw)
		if err != nil {
			return fmt.Errorf("installing CRDs from %s: %w", f, err)
		}
		objs = append(objs, got...)
	}
	crds, err := c.apply(ctx, objs)
	if err == nil {
		err = c.waitEstablished(ctx, crds)
	}
	if err != nil {
		return fmt.Errorf("installing CRDs from %v: %w", files, err)
	}
	return nil
}
