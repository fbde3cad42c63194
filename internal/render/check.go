package render

import (
	"errors"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// check returns what a Kubernetes API server would reject in the metadata
// of objs or of their pod templates: names, label keys and values, and
// annotation keys. The loader validates the file so that this never fires;
// it is the backstop that keeps render from printing what cannot be applied,
// and the property the loader's fuzz test holds render to.
func check(objs []Object) error {
	var errs []error
	for _, obj := range objs {
		where := obj.GetObjectKind().GroupVersionKind().Kind + " " + obj.GetName()
		for _, msg := range validation.IsDNS1123Subdomain(obj.GetName()) {
			errs = append(errs, fmt.Errorf("%s: name: %s", where, msg))
		}
		errs = append(errs, checkMeta(where, obj.GetLabels(), obj.GetAnnotations())...)
		if t, ok := templateOf(obj); ok {
			errs = append(errs, checkMeta(where+" pod template", t.Labels, t.Annotations)...)
		}
	}
	return errors.Join(errs...)
}

func checkMeta(where string, labels, annotations map[string]string) []error {
	var errs []error
	for k, v := range labels {
		if msgs := append(validation.IsQualifiedName(k), validation.IsValidLabelValue(v)...); len(msgs) > 0 {
			errs = append(errs, fmt.Errorf("%s: label %s=%q: %s", where, k, v, strings.Join(msgs, "; ")))
		}
	}
	for k := range annotations {
		if msgs := validation.IsQualifiedName(strings.ToLower(k)); len(msgs) > 0 {
			errs = append(errs, fmt.Errorf("%s: annotation %s: %s", where, k, strings.Join(msgs, "; ")))
		}
	}
	return errs
}
