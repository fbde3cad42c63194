package release

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/deploy"
	"ferry.dev/ferry/internal/render"
)

// A file is found from an object in whichever namespace its service
// lands: the service's own, the file's default, or the file's.
func TestServicesOfIndexesEachServiceWhereItIsDeployed(t *testing.T) {
	sf := &v1alpha1.ServiceFile{
		ObjectMeta: metav1.ObjectMeta{Name: "shop", Namespace: "team"},
		Spec: v1alpha1.ServiceFileSpec{
			Defaults: &v1alpha1.Defaults{Namespace: "web"},
			Services: map[string]*v1alpha1.Service{"api": {}, "worker": {Namespace: "jobs"}},
		},
	}
	got := servicesOf(sf)
	slices.Sort(got)
	if diff := cmp.Diff([]string{"jobs/worker", "web/api"}, got); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	sf.Spec.Defaults = nil
	if got := servicesOf(sf); !slices.Contains(got, "team/api") {
		t.Errorf("keys %v: without a default the file's namespace", got)
	}
}

// Only what a drift check compares makes it due: the Deployment
// controller's status and revision annotation do not.
func TestChangedForDrift(t *testing.T) {
	base := func() *appsv1.Deployment {
		return &appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{
				Name: "api", Namespace: "shop", Generation: 1, Annotations: map[string]string{deploy.AppliedAnnotation: "x"},
				Labels: map[string]string{"app.kubernetes.io/name": "api", render.ServiceLabel: "api"},
				ManagedFields: []metav1.ManagedFieldsEntry{{
					Manager: deploy.FieldManager, Operation: metav1.ManagedFieldsOperationApply,
					FieldsV1: metav1.NewFieldsV1(`{"f:metadata":{"f:labels":{"f:app.kubernetes.io/name":{}}}}`),
				}},
			},
			Status: appsv1.DeploymentStatus{Conditions: []appsv1.DeploymentCondition{{Type: appsv1.DeploymentAvailable, Status: "True"}}},
		}
	}
	tests := []struct {
		name          string
		change        func(*appsv1.Deployment)
		drift, health bool
	}{
		{"status only", func(d *appsv1.Deployment) { d.Status.ObservedGeneration = 1 }, false, true},
		{"revision annotation", func(d *appsv1.Deployment) { d.Annotations[deploy.RevisionAnnotation] = "1" }, false, false},
		{"spec (generation)", func(d *appsv1.Deployment) { d.Generation = 2 }, true, false},
		{"a label of ferry's edited", func(d *appsv1.Deployment) { d.Labels["app.kubernetes.io/name"] = "hand" }, true, false},
		{"a label of someone else's added", func(d *appsv1.Deployment) { d.Labels["team"] = "x" }, false, false},
		{"ferry's annotation", func(d *appsv1.Deployment) { d.Annotations[deploy.AppliedAnnotation] = "y" }, true, false},
		{"deleted", func(d *appsv1.Deployment) { d.DeletionTimestamp = &metav1.Time{} }, true, false},
		{"a condition's time only", func(d *appsv1.Deployment) {
			d.Status.Conditions[0].LastUpdateTime = metav1.Now()
		}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := base()
			tt.change(b)
			pa, pb := projectOf(t, base()), projectOf(t, b)
			if got := changedForDrift(pa, pb); got != tt.drift {
				t.Errorf("changedForDrift %t, want %t", got, tt.drift)
			}
			if got := changedForHealth(pa, pb); got != tt.health {
				t.Errorf("changedForHealth %t, want %t", got, tt.health)
			}
		})
	}
}

// A file is found by each service it deploys until it drops the service
// or is deleted; two files naming one service are both found.
func TestFileIndexFollowsTheFiles(t *testing.T) {
	file := func(name string, services ...string) *v1alpha1.ServiceFile {
		sf := &v1alpha1.ServiceFile{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "team"}, Spec: v1alpha1.ServiceFileSpec{Services: map[string]*v1alpha1.Service{}}}
		for _, s := range services {
			sf.Spec.Services[s] = &v1alpha1.Service{}
		}
		return sf
	}
	var x fileIndex
	names := func(svc string) []string {
		var out []string
		for _, f := range x.of("team", svc) {
			out = append(out, f.Name)
		}
		slices.Sort(out)
		return out
	}
	shop, shop2, other := file("shop", "api", "web"), file("shop", "api"), file("other", "api")
	x.replace(nil, shop)
	x.replace(nil, other)
	if got := names("api"); !slices.Equal(got, []string{"other", "shop"}) {
		t.Errorf("api: files %v, want other and shop", got)
	}
	x.replace(shop, shop2)
	if got := names("web"); got != nil {
		t.Errorf("web dropped from shop: files %v, want none", got)
	}
	x.replace(other, nil)
	if got := names("api"); !slices.Equal(got, []string{"shop"}) {
		t.Errorf("other deleted: api's files %v, want shop", got)
	}
	if len(x.files) != 1 {
		t.Errorf("index %v: want only team/api left", x.files)
	}
}
