package deploy

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// extract on each member form of a field set; the real API server's
// sets are in TestProjectionJudgesLikeTheWholeObject.
func TestExtract(t *testing.T) {
	live := map[string]any{
		"metadata": map[string]any{"labels": map[string]any{"app": "api", "theirs": "x"}},
		"spec": map[string]any{
			"args":       []any{"--a", "--b"},
			"ports":      []any{map[string]any{"port": int64(80), "protocol": "TCP", "name": "http"}, map[string]any{"port": int64(81), "protocol": "TCP"}},
			"finalizers": []any{"a", "b"},
			"indexed":    []any{"x", "y"},
		},
	}
	for _, tc := range []struct{ name, set, want string }{
		{"a map's own keys only", `{"f:metadata":{"f:labels":{".":{},"f:app":{}}}}`, `{"metadata":{"labels":{"app":"api"}}}`},
		{"an atomic list whole", `{"f:spec":{"f:args":{}}}`, `{"spec":{"args":["--a","--b"]}}`},
		{"an element by key, a number matching int64", `{"f:spec":{"f:ports":{"k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{},"f:port":{},"f:name":{}}}}}`, `{"spec":{"ports":[{"name":"http","port":80}]}}`},
		{"an element by value", `{"f:spec":{"f:finalizers":{"v:\"b\"":{}}}}`, `{"spec":{"finalizers":["b"]}}`},
		{"an element by index", `{"f:spec":{"f:indexed":{"i:1":{}}}}`, `{"spec":{"indexed":["y"]}}`},
		{"a field gone from live", `{"f:spec":{"f:gone":{}}}`, `{"spec":{}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var set map[string]any
			if err := json.Unmarshal([]byte(tc.set), &set); err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(extract(live, set))
			if diff := cmp.Diff(tc.want, string(got)); diff != "" {
				t.Errorf("extract (-want +got):\n%s", diff)
			}
		})
	}
}

// Only ferry's own apply entry counts: another manager's, or ferry's
// Update or status entries, give no digest.
func TestLiveFieldsReadsFerrysApplyOnly(t *testing.T) {
	live := map[string]any{"spec": map[string]any{"replicas": int64(2)}}
	set := metav1.NewFieldsV1(`{"f:spec":{"f:replicas":{}}}`)
	for _, m := range []metav1.ManagedFieldsEntry{
		{Manager: "kubectl-edit", Operation: metav1.ManagedFieldsOperationApply, FieldsV1: set},
		{Manager: FieldManager, Operation: metav1.ManagedFieldsOperationUpdate, FieldsV1: set},
		{Manager: FieldManager, Operation: metav1.ManagedFieldsOperationApply, Subresource: "status", FieldsV1: set},
	} {
		if got := LiveFields(live, []metav1.ManagedFieldsEntry{m}); got != "" {
			t.Errorf("LiveFields with only %+v = %q, want none", m, got)
		}
	}
	ours := metav1.ManagedFieldsEntry{Manager: FieldManager, Operation: metav1.ManagedFieldsOperationApply, FieldsV1: set}
	if LiveFields(live, []metav1.ManagedFieldsEntry{ours}) != desiredFields(map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "api"}, "spec": map[string]any{"replicas": 2}}) {
		t.Error("ferry's entry over the same value gives another digest than the desired object")
	}
}
