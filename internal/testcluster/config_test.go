package testcluster

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// TestKwokConfigMatchesConstants keeps kwok-config.yaml, which the shell
// also reads, in step with the constants tests use.
func TestKwokConfigMatchesConstants(t *testing.T) {
	docs := decodeDocs(t, kwokConfigYAML)
	var stages []string
	var selectors = map[string][]any{}
	var got struct{ disregard, serviceRange any }
	for _, d := range docs {
		switch d["kind"] {
		case "KwokConfiguration":
			got.disregard = dig(d, "options", "disregardStatusWithAnnotationSelector")
		case "KwokctlConfiguration":
			for _, p := range asList(d["componentsPatches"]) {
				for _, a := range asList(dig(p, "extraArgs")) {
					if dig(p, "name") == "kube-apiserver" && dig(a, "key") == "service-cluster-ip-range" {
						got.serviceRange = dig(a, "value")
					}
				}
			}
		case "Stage":
			name, _ := dig(d, "metadata", "name").(string)
			stages = append(stages, name)
			selectors[name] = asList(dig(d, "spec", "selector", "matchExpressions"))
		}
	}
	if want := ManualStatusAnnotation + "=" + ManualStatusValue; got.disregard != want {
		t.Errorf("disregardStatusWithAnnotationSelector = %v, want %s", got.disregard, want)
	}
	if got.serviceRange != ServiceCIDR {
		t.Errorf("kube-apiserver service-cluster-ip-range = %v, want %s", got.serviceRange, ServiceCIDR)
	}
	wantStages := []string{"node-initialize", "node-heartbeat-with-lease", "pod-ready", "pod-complete", "pod-delete", "pod-never-ready"}
	if diff := cmp.Diff(wantStages, stages); diff != "" {
		t.Errorf("stages (-want +got):\n%s", diff)
	}
	key := `.metadata.annotations["` + NeverReadyAnnotation + `"]`
	for stage, op := range map[string]string{"pod-ready": "DoesNotExist", "pod-never-ready": "Exists"} {
		found := false
		for _, e := range selectors[stage] {
			found = found || (dig(e, "key") == key && dig(e, "operator") == op)
		}
		if !found {
			t.Errorf("stage %s does not select %s %s", stage, key, op)
		}
	}
}

func decodeDocs(t *testing.T, s string) []map[string]any {
	t.Helper()
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader([]byte(s)), 4096)
	var docs []map[string]any
	for range 64 {
		var d map[string]any
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			t.Fatalf("decoding kwok-config.yaml: %v", err)
		}
		docs = append(docs, d)
	}
	t.Fatal("decoding kwok-config.yaml: more than 64 documents")
	return nil
}

// dig follows keys through nested maps; nil when a step is missing.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
